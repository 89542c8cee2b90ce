"""Import the official ESCO v1.1.1 CSV set (English) into the shared reference tables.

Skills, their alternative and hidden labels, occupations (as roles) with their labels, the
occupation–skill links, skill–skill relations and the narrower → broader skill hierarchy. Skill
groups are not skills: they only name the groups a skill belongs to (``attributes.groups``) and its
cluster. Only ``released`` concepts are imported; links to anything else are skipped and counted.

Every file is read and checked before anything is written, then everything is written in one
transaction through COPY into temporary tables and set-based upserts, so a full import takes
seconds and a bad file leaves the database untouched. Re-importing is idempotent: unchanged rows
are not rewritten (they keep their vectors), changed texts lose their vectors so that
``embed_missing`` re-embeds them, and labels, relations and role requirements that the files no
longer contain are removed. Skills and roles themselves are never deleted: people's profiles may
point at them.
"""

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import psycopg

from hrm.core.errors import InvalidInput
from hrm.core.text import norm
from hrm.retrieval.embed_store import Progress

_T = TypeVar("_T")

SOURCE = "esco"
RELEASED = "released"

SKILLS_FILE = "skills_en.csv"
GROUPS_FILE = "skillGroups_en.csv"
OCCUPATIONS_FILE = "occupations_en.csv"
ISCO_FILE = "ISCOGroups_en.csv"
OCCUPATION_SKILLS_FILE = "occupationSkillRelations.csv"
SKILL_SKILL_FILE = "skillSkillRelations.csv"
BROADER_FILE = "broaderRelationsSkillPillar.csv"

SKILL_CONCEPT = "KnowledgeSkillCompetence"
GROUP_CONCEPT = "SkillGroup"
# The root of ESCO's language pillar ("language skills and knowledge"); skills beneath it are soft.
LANGUAGE_ROOT_CODE = "L"

# occupationSkillRelations relationType → (importance, required_level)
ROLE_SKILL_KINDS = {"essential": ("essential", 3), "optional": ("nice_to_have", 2)}
# skillSkillRelations relationType → skill_relations.type
SKILL_SKILL_KINDS = {"essential": "essential_for", "optional": "optional_for"}


# Reading ---------------------------------------------------------------------------------------


def _read_rows(directory: Path, name: str, columns: Sequence[str]) -> Iterator[tuple[int, list[str]]]:
    """(line, values of ``columns``) for each record of an ESCO CSV file.

    ESCO fields span several lines (labels are newline-separated inside one quoted field), so the
    line reported is the one the record starts on. Any problem becomes ``InvalidInput`` naming the
    file and the line or column.
    """
    path = directory / name
    start = 1
    if not path.is_file():
        raise InvalidInput(f"ESCO file {name} is missing from {directory}")
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh, strict=True)
            header = next(reader, None)
            if header is None:
                raise InvalidInput(f"{name} is empty: expected a header row")
            missing = [c for c in columns if c not in header]
            if missing:
                raise InvalidInput(f"{name}: missing column(s) {', '.join(missing)} in the header")
            indexes = [header.index(c) for c in columns]
            start = reader.line_num + 1
            for record in reader:
                if record:  # csv yields [] for a blank line
                    if len(record) != len(header):
                        raise InvalidInput(f"{name} line {start}: expected {len(header)} fields, found {len(record)}")
                    yield start, [record[i] for i in indexes]
                start = reader.line_num + 1
    except csv.Error as exc:
        raise InvalidInput(f"{name} line {start}: malformed CSV ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def _labels(field_value: str) -> list[str]:
    """The labels of a multi-label field (one per line)."""
    return [label.strip() for label in field_value.splitlines() if label.strip()]


def _require(value: str, name: str, line: int, column: str) -> str:
    if not value.strip():
        raise InvalidInput(f"{name} line {line}: empty {column}")
    return value.strip()


@dataclass(frozen=True)
class _Group:
    label: str
    code: str


def _read_groups(directory: Path) -> dict[str, _Group]:
    columns = ("conceptUri", "preferredLabel", "status", "code")
    groups: dict[str, _Group] = {}
    for line, (uri, label, status, code) in _read_rows(directory, GROUPS_FILE, columns):
        if status == RELEASED:
            groups[_require(uri, GROUPS_FILE, line, "conceptUri")] = _Group(label.strip(), code.strip())
    return groups


@dataclass(frozen=True)
class _RawSkill:
    uri: str
    name: str
    skill_type: str
    reuse_level: str
    description: str
    alt_labels: list[str]
    hidden_labels: list[str]


def _read_skills(directory: Path) -> dict[str, _RawSkill]:
    columns = (
        "conceptUri",
        "skillType",
        "reuseLevel",
        "preferredLabel",
        "altLabels",
        "hiddenLabels",
        "status",
        "description",
    )
    skills: dict[str, _RawSkill] = {}
    for line, (uri, skill_type, reuse, label, alt, hidden, status, description) in _read_rows(
        directory, SKILLS_FILE, columns
    ):
        if status != RELEASED:
            continue
        uri = _require(uri, SKILLS_FILE, line, "conceptUri")
        if uri in skills:
            raise InvalidInput(f"{SKILLS_FILE} line {line}: duplicate conceptUri {uri}")
        name = _require(label, SKILLS_FILE, line, "preferredLabel")
        skills[uri] = _RawSkill(
            uri, name, skill_type.strip(), reuse.strip(), description.strip(), _labels(alt), _labels(hidden)
        )
    return skills


@dataclass
class _Hierarchy:
    """The skills pillar's narrower → broader edges, between released skills and groups."""

    parents: dict[str, list[str]] = field(default_factory=dict)
    skill_broader: list[tuple[str, str]] = field(default_factory=list)  # skill → broader skill


def _read_hierarchy(directory: Path, skills: dict[str, _RawSkill], groups: dict[str, _Group]) -> _Hierarchy:
    columns = ("conceptUri", "broaderType", "broaderUri")
    hierarchy = _Hierarchy()
    for line, (uri, broader_type, broader) in _read_rows(directory, BROADER_FILE, columns):
        uri = _require(uri, BROADER_FILE, line, "conceptUri")
        broader = _require(broader, BROADER_FILE, line, "broaderUri")
        to_skill = broader_type == SKILL_CONCEPT and broader in skills
        to_group = broader_type == GROUP_CONCEPT and broader in groups
        # edges touching a concept that is not released are dropped, like the concept itself
        if not (to_skill or to_group) or (uri not in skills and uri not in groups) or uri == broader:
            continue
        if to_skill and uri in skills:
            hierarchy.skill_broader.append((uri, broader))
        hierarchy.parents.setdefault(uri, []).append(broader)
    return hierarchy


@dataclass(frozen=True)
class _Placement:
    groups: list[str]  # labels of the skill's direct broader groups
    cluster: str | None  # label of the first pillar subdivision above it
    language: bool


class _Placer:
    """Where each skill sits in the hierarchy.

    A skill's home is its own broader groups or, when it has none (``write Latin`` only has the
    skill ``Latin`` above it), those of its nearest broader skills. Its cluster is the group one level
    below the pillar roots above its home (e.g. "working with computers", "management skills",
    "languages", an ISCED field for knowledge): the four roots themselves (skills, knowledge,
    transversal, language) only repeat the skill's type, so they would tell a reader nothing. Of
    several candidates the first by code and label wins, so the choice is stable across imports.
    Judging from the home rather than every ancestor matters: ESCO files "traditional Chinese
    medicine" under the skill "Chinese" too, yet it is health knowledge, not a language.
    """

    def __init__(self, hierarchy: _Hierarchy, groups: dict[str, _Group]) -> None:
        self._parents = hierarchy.parents
        self._groups = groups
        self._roots = {uri for uri in groups if not self._parents.get(uri)}
        self._ancestors: dict[str, frozenset[str]] = {}

    def _group_ancestors(self, uri: str) -> frozenset[str]:
        """The group and every group above it (the group hierarchy is a shallow DAG)."""
        if uri not in self._ancestors:
            above = [self._group_ancestors(p) for p in self._parents.get(uri, []) if p in self._groups]
            self._ancestors[uri] = frozenset({uri}.union(*above))
        return self._ancestors[uri]

    def _home(self, uri: str) -> list[str]:
        seen = {uri}
        frontier = [uri]
        while frontier:  # breadth first, one level of broader concepts at a time
            frontier = list(dict.fromkeys(p for node in frontier for p in self._parents.get(node, []) if p not in seen))
            seen.update(frontier)
            home = [p for p in frontier if p in self._groups]
            if home:
                return home
        return []

    def place(self, uri: str) -> _Placement:
        direct = sorted({self._groups[p].label for p in self._parents.get(uri, []) if p in self._groups})
        above = frozenset().union(*(self._group_ancestors(g) for g in self._home(uri)))
        clusters = sorted(
            (self._groups[g].code, self._groups[g].label)
            for g in above
            if any(p in self._roots for p in self._parents.get(g, []))
        )
        language = any(g in self._roots and self._groups[g].code == LANGUAGE_ROOT_CODE for g in above)
        return _Placement(direct, clusters[0][1] if clusters else None, language)


def _skill_type(skill: _RawSkill, language: bool) -> str:
    if skill.reuse_level == "transversal" or language:
        return "soft"
    if skill.skill_type == "knowledge":
        return "domain_specific"
    return "technical"


def _aliases(own_norm: str, labelled: Iterable[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(alias, alias_norm, kind), one per norm (the first wins, so alternative beats hidden), never
    the concept's own name again."""
    seen = {own_norm}
    out: list[tuple[str, str, str]] = []
    for label, kind in labelled:
        key = norm(label)
        if key and key not in seen:
            seen.add(key)
            out.append((label, key, kind))
    return out


def _read_isco_major_groups(directory: Path) -> dict[str, str]:
    """One-digit ISCO code → label of its major group (the role family)."""
    columns = ("code", "preferredLabel")
    return {
        code.strip(): label.strip()
        for _, (code, label) in _read_rows(directory, ISCO_FILE, columns)
        if len(code.strip()) == 1
    }


@dataclass(frozen=True)
class _RawRole:
    uri: str
    title: str
    isco_group: str
    code: str
    description: str
    labels: list[str]


def _read_occupations(directory: Path) -> dict[str, _RawRole]:
    columns = (
        "conceptUri",
        "iscoGroup",
        "preferredLabel",
        "altLabels",
        "hiddenLabels",
        "status",
        "description",
        "code",
    )
    roles: dict[str, _RawRole] = {}
    for line, (uri, isco, label, alt, hidden, status, description, code) in _read_rows(
        directory, OCCUPATIONS_FILE, columns
    ):
        if status != RELEASED:
            continue
        uri = _require(uri, OCCUPATIONS_FILE, line, "conceptUri")
        if uri in roles:
            raise InvalidInput(f"{OCCUPATIONS_FILE} line {line}: duplicate conceptUri {uri}")
        title = _require(label, OCCUPATIONS_FILE, line, "preferredLabel")
        roles[uri] = _RawRole(
            uri, title, isco.strip(), code.strip(), description.strip(), _labels(alt) + _labels(hidden)
        )
    return roles


def _kind(mapping: dict[str, _T], value: str, name: str, line: int) -> _T:
    if value not in mapping:
        raise InvalidInput(f"{name} line {line}: relationType {value!r} is not one of {', '.join(mapping)}")
    return mapping[value]


# Rows ready to COPY ----------------------------------------------------------------------------


@dataclass
class _Batch:
    skills: list[tuple[str, str, str, str, str | None, str, str]] = field(default_factory=list)
    skill_aliases: list[tuple[str, str, str, str]] = field(default_factory=list)
    roles: list[tuple[str, str, str, str | None, str, str]] = field(default_factory=list)
    role_aliases: list[tuple[str, str, str]] = field(default_factory=list)
    role_skills: list[tuple[str, str, int, str]] = field(default_factory=list)
    relations: list[tuple[str, str, str]] = field(default_factory=list)
    skipped_links: int = 0


def _add_skills(batch: _Batch, skills: dict[str, _RawSkill], placer: _Placer) -> None:
    for s in skills.values():
        place = placer.place(s.uri)
        attributes = {"skill_type": s.skill_type or None, "reuse_level": s.reuse_level or None, "groups": place.groups}
        name_norm = norm(s.name)
        batch.skills.append(
            (
                s.uri,
                s.name,
                name_norm,
                _skill_type(s, place.language),
                place.cluster,
                s.description,
                json.dumps(attributes),
            )
        )
        labelled = [(a, "alternative") for a in s.alt_labels] + [(h, "hidden") for h in s.hidden_labels]
        batch.skill_aliases.extend((s.uri, *alias) for alias in _aliases(name_norm, labelled))


def _add_roles(batch: _Batch, roles: dict[str, _RawRole], families: dict[str, str]) -> None:
    for r in roles.values():
        family = families.get(r.isco_group[:1]) if r.isco_group else None
        attributes = {"isco_group": r.isco_group or None, "code": r.code or None}
        title_norm = norm(r.title)
        batch.roles.append((r.uri, r.title, title_norm, family, r.description, json.dumps(attributes)))
        labelled = [(label, "alternative") for label in r.labels]
        batch.role_aliases.extend((r.uri, alias, key) for alias, key, _ in _aliases(title_norm, labelled))


def _add_role_skills(batch: _Batch, directory: Path, roles: set[str], skills: set[str]) -> None:
    columns = ("occupationUri", "relationType", "skillUri")
    links: dict[tuple[str, str], tuple[str, int]] = {}
    for line, (role, kind, skill) in _read_rows(directory, OCCUPATION_SKILLS_FILE, columns):
        importance, level = _kind(ROLE_SKILL_KINDS, kind, OCCUPATION_SKILLS_FILE, line)
        if role not in roles or skill not in skills:
            batch.skipped_links += 1
            continue
        previous = links.get((role, skill))
        if previous is None or previous[0] != "essential":  # listed twice: essential wins
            links[(role, skill)] = (importance, level)
    batch.role_skills.extend((role, skill, level, importance) for (role, skill), (importance, level) in links.items())


def _add_relations(batch: _Batch, directory: Path, hierarchy: _Hierarchy, skills: set[str]) -> None:
    columns = ("originalSkillUri", "relationType", "relatedSkillUri")
    relations: dict[tuple[str, str, str], None] = {}
    for line, (original, kind, related) in _read_rows(directory, SKILL_SKILL_FILE, columns):
        rel_type = _kind(SKILL_SKILL_KINDS, kind, SKILL_SKILL_FILE, line)
        if original not in skills or related not in skills or original == related:
            batch.skipped_links += 1
            continue
        # ESCO reads "the original skill has the related skill as essential/optional"; our edges
        # read from → to as "from is essential for to" (like "from is a prerequisite of to").
        relations[(related, original, rel_type)] = None
    for narrower, broader in hierarchy.skill_broader:
        relations[(narrower, broader, "broader")] = None
    batch.relations.extend(relations)


def _read_all(directory: Path, progress: Progress | None = None) -> _Batch:
    """Read and check every file; nothing touches the database here."""
    steps = 7

    def done(step: int) -> None:
        if progress:
            progress("esco read", step, steps)

    groups = _read_groups(directory)
    done(1)
    skills = _read_skills(directory)
    done(2)
    hierarchy = _read_hierarchy(directory, skills, groups)
    done(3)
    families = _read_isco_major_groups(directory)
    done(4)
    roles = _read_occupations(directory)
    done(5)
    batch = _Batch()
    _add_skills(batch, skills, _Placer(hierarchy, groups))
    _add_roles(batch, roles, families)
    _add_role_skills(batch, directory, set(roles), set(skills))
    done(6)
    _add_relations(batch, directory, hierarchy, set(skills))
    done(7)
    return batch


# Writing ---------------------------------------------------------------------------------------

_TEMP_TABLES = {
    "tmp_esco_skills": "external_id text PRIMARY KEY, name text, name_norm text, type text, cluster text, "
    "description text, attributes text",
    "tmp_esco_skill_aliases": "external_id text, alias text, alias_norm text, kind text, "
    "PRIMARY KEY (external_id, alias_norm)",
    "tmp_esco_roles": "external_id text PRIMARY KEY, title text, title_norm text, family text, description text, "
    "attributes text",
    "tmp_esco_role_aliases": "external_id text, alias text, alias_norm text, PRIMARY KEY (external_id, alias_norm)",
    "tmp_esco_role_skills": "role_ext text, skill_ext text, required_level smallint, importance text",
    "tmp_esco_relations": "from_ext text, to_ext text, type text",
}

_UPSERT_SKILLS = """
INSERT INTO skills AS s (org_id, source, external_id, name, name_norm, type, cluster, description, attributes)
SELECT NULL, %(source)s, t.external_id, t.name, t.name_norm, t.type, t.cluster, t.description, t.attributes::jsonb
FROM tmp_esco_skills t
ON CONFLICT (org_id, source, external_id) DO UPDATE SET
    name = EXCLUDED.name, name_norm = EXCLUDED.name_norm, type = EXCLUDED.type, cluster = EXCLUDED.cluster,
    description = EXCLUDED.description, attributes = EXCLUDED.attributes,
    -- the text changed, so its old embedding no longer describes it
    embedding = CASE WHEN s.name = EXCLUDED.name AND s.description = EXCLUDED.description THEN s.embedding END
-- unchanged rows are left alone: rewriting them would re-insert every index entry, vectors included
WHERE (s.name, s.name_norm, s.type, s.cluster, s.description, s.attributes)
      IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.name_norm, EXCLUDED.type, EXCLUDED.cluster,
                        EXCLUDED.description, EXCLUDED.attributes)
"""

_SKILL_IDS = """
CREATE TEMP TABLE tmp_esco_skill_ids AS
SELECT t.external_id, s.id FROM tmp_esco_skills t
JOIN skills s ON s.org_id IS NULL AND s.source = %(source)s AND s.external_id = t.external_id
"""

_PRUNE_SKILL_ALIASES = """
DELETE FROM skill_aliases a USING tmp_esco_skill_ids m
WHERE a.skill_id = m.id AND a.org_id IS NULL
  AND NOT EXISTS (SELECT 1 FROM tmp_esco_skill_aliases t
                  WHERE t.external_id = m.external_id AND t.alias_norm = a.alias_norm)
"""

_UPSERT_SKILL_ALIASES = """
INSERT INTO skill_aliases AS a (org_id, skill_id, alias, alias_norm, kind)
SELECT NULL, m.id, t.alias, t.alias_norm, t.kind
FROM tmp_esco_skill_aliases t JOIN tmp_esco_skill_ids m USING (external_id)
ON CONFLICT (skill_id, alias_norm) DO UPDATE SET
    alias = EXCLUDED.alias, kind = EXCLUDED.kind,
    embedding = CASE WHEN a.alias = EXCLUDED.alias THEN a.embedding END
-- an organisation's own alias of the same text is theirs: leave it
WHERE a.org_id IS NULL AND (a.alias, a.kind) IS DISTINCT FROM (EXCLUDED.alias, EXCLUDED.kind)
"""

_RELATION_IDS = """
CREATE TEMP TABLE tmp_esco_relation_ids AS
SELECT f.id AS from_id, o.id AS to_id, t.type FROM tmp_esco_relations t
JOIN tmp_esco_skill_ids f ON f.external_id = t.from_ext
JOIN tmp_esco_skill_ids o ON o.external_id = t.to_ext
"""

# ESCO's relations are replaced as a whole: the file set is the complete ESCO release.
_PRUNE_RELATIONS = """
DELETE FROM skill_relations r WHERE r.source = %(source)s
  AND NOT EXISTS (SELECT 1 FROM tmp_esco_relation_ids t
                  WHERE t.from_id = r.from_skill_id AND t.to_id = r.to_skill_id AND t.type = r.type)
"""

_INSERT_RELATIONS = """
INSERT INTO skill_relations (from_skill_id, to_skill_id, type, source)
SELECT from_id, to_id, type, %(source)s FROM tmp_esco_relation_ids
ON CONFLICT DO NOTHING
"""

_UPSERT_ROLES = """
INSERT INTO roles AS r (org_id, source, external_id, title, title_norm, family, level, description, attributes)
SELECT NULL, %(source)s, t.external_id, t.title, t.title_norm, t.family, NULL, t.description, t.attributes::jsonb
FROM tmp_esco_roles t
ON CONFLICT (org_id, source, external_id) DO UPDATE SET
    title = EXCLUDED.title, title_norm = EXCLUDED.title_norm, family = EXCLUDED.family, level = EXCLUDED.level,
    description = EXCLUDED.description, attributes = EXCLUDED.attributes,
    embedding = CASE WHEN r.title = EXCLUDED.title AND r.description = EXCLUDED.description THEN r.embedding END
WHERE (r.title, r.title_norm, r.family, r.level, r.description, r.attributes)
      IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.title_norm, EXCLUDED.family, EXCLUDED.level,
                        EXCLUDED.description, EXCLUDED.attributes)
"""

_ROLE_IDS = """
CREATE TEMP TABLE tmp_esco_role_ids AS
SELECT t.external_id, r.id FROM tmp_esco_roles t
JOIN roles r ON r.org_id IS NULL AND r.source = %(source)s AND r.external_id = t.external_id
"""

_PRUNE_ROLE_ALIASES = """
DELETE FROM role_aliases a USING tmp_esco_role_ids m
WHERE a.role_id = m.id AND a.org_id IS NULL
  AND NOT EXISTS (SELECT 1 FROM tmp_esco_role_aliases t
                  WHERE t.external_id = m.external_id AND t.alias_norm = a.alias_norm)
"""

_UPSERT_ROLE_ALIASES = """
INSERT INTO role_aliases AS a (org_id, role_id, alias, alias_norm)
SELECT NULL, m.id, t.alias, t.alias_norm
FROM tmp_esco_role_aliases t JOIN tmp_esco_role_ids m USING (external_id)
ON CONFLICT (role_id, alias_norm) DO UPDATE SET
    alias = EXCLUDED.alias, embedding = CASE WHEN a.alias = EXCLUDED.alias THEN a.embedding END
WHERE a.org_id IS NULL AND a.alias IS DISTINCT FROM EXCLUDED.alias
"""

# A role's requirements are replaced from the file; an organisation's own additions stay.
_DELETE_ROLE_SKILLS = """
DELETE FROM role_skills rs USING tmp_esco_role_ids m WHERE rs.role_id = m.id AND rs.org_id IS NULL
"""

_INSERT_ROLE_SKILLS = """
INSERT INTO role_skills (org_id, role_id, skill_id, required_level, importance)
SELECT NULL, r.id, s.id, t.required_level, t.importance
FROM tmp_esco_role_skills t
JOIN tmp_esco_role_ids r ON r.external_id = t.role_ext
JOIN tmp_esco_skill_ids s ON s.external_id = t.skill_ext
ON CONFLICT DO NOTHING
"""


def _copy(cur: psycopg.Cursor[Any], table: str, columns: str, rows: Iterable[Sequence[Any]]) -> None:
    with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _stage(cur: psycopg.Cursor[Any], batch: _Batch) -> None:
    """Create the temporary tables and stream the batch into them."""
    for table, columns in _TEMP_TABLES.items():
        # dropped explicitly at the end; DROP IF EXISTS covers a caller's surrounding transaction
        cur.execute(f"DROP TABLE IF EXISTS {table}")
        cur.execute(f"CREATE TEMP TABLE {table} ({columns})")
    _copy(cur, "tmp_esco_skills", "external_id, name, name_norm, type, cluster, description, attributes", batch.skills)
    _copy(cur, "tmp_esco_skill_aliases", "external_id, alias, alias_norm, kind", batch.skill_aliases)
    _copy(cur, "tmp_esco_roles", "external_id, title, title_norm, family, description, attributes", batch.roles)
    _copy(cur, "tmp_esco_role_aliases", "external_id, alias, alias_norm", batch.role_aliases)
    _copy(cur, "tmp_esco_role_skills", "role_ext, skill_ext, required_level, importance", batch.role_skills)
    _copy(cur, "tmp_esco_relations", "from_ext, to_ext, type", batch.relations)
    for table in _TEMP_TABLES:
        cur.execute(f"ANALYZE {table}")  # temporary tables get no statistics otherwise


_WRITE_STEPS: tuple[tuple[str, ...], ...] = (
    (_UPSERT_SKILLS, _SKILL_IDS, "ANALYZE tmp_esco_skill_ids"),
    (_PRUNE_SKILL_ALIASES, _UPSERT_SKILL_ALIASES),
    (_RELATION_IDS, _PRUNE_RELATIONS, _INSERT_RELATIONS),
    (_UPSERT_ROLES, _ROLE_IDS, "ANALYZE tmp_esco_role_ids"),
    (_PRUNE_ROLE_ALIASES, _UPSERT_ROLE_ALIASES),
    (_DELETE_ROLE_SKILLS, _INSERT_ROLE_SKILLS),
)


def _write(conn: psycopg.Connection[Any], batch: _Batch, progress: Progress | None) -> None:
    total = len(_WRITE_STEPS) + 1
    with conn.cursor() as cur:
        _stage(cur, batch)
        if progress:
            progress("esco write", 1, total)
        for done, statements in enumerate(_WRITE_STEPS, start=2):
            for statement in statements:
                cur.execute(statement, {"source": SOURCE})
            if progress:
                progress("esco write", done, total)
        for table in (*_TEMP_TABLES, "tmp_esco_skill_ids", "tmp_esco_role_ids", "tmp_esco_relation_ids"):
            cur.execute(f"DROP TABLE {table}")


def import_esco(conn: psycopg.Connection[Any], directory: Path, *, progress: Progress | None = None) -> dict[str, int]:
    """Import the ESCO CSV set in ``directory`` with the schema owner's connection; returns counts.

    One transaction: any missing or malformed file raises ``InvalidInput`` and writes nothing.
    Embeddings are left for ``embed_missing``.
    """
    batch = _read_all(directory, progress)
    with conn.transaction():
        _write(conn, batch, progress)
    return {
        "skills": len(batch.skills),
        "aliases": len(batch.skill_aliases),
        "roles": len(batch.roles),
        "role_aliases": len(batch.role_aliases),
        "role_skills": len(batch.role_skills),
        "relations": len(batch.relations),
        "skipped_links": batch.skipped_links,
    }
