"""Import the official O*NET text files (release 29.3 layout) into the shared reference tables.

Occupations become roles (source ``onet``, external id = O*NET-SOC code) with their alternate and
reported titles as aliases; Skills and Knowledge elements and Technology Skills examples become
skills, linked to occupations through ``role_skills``; related occupations become transitions.

Everything is read and validated in Python first, then written in ONE transaction through COPY into
temporary tables and set-based ``INSERT … SELECT … ON CONFLICT``: a bad file raises ``InvalidInput``
before anything is written, and re-running the import leaves the database as it was. Embeddings stay
NULL for new or changed text; ``embed_store.embed_missing`` fills them afterwards.

Rows of occupations missing from a newer release are left in place (people may point at them);
their role skills and transitions are only replaced when the occupation is in the files again.
"""

import csv
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import psycopg

from hrm.core.errors import InvalidInput
from hrm.core.text import norm
from hrm.retrieval.embed_store import Progress

SOURCE = "onet"
_T = TypeVar("_T")

OCCUPATIONS = "Occupation_Data.txt"
JOB_ZONES = "Job_Zones.txt"
ALTERNATE_TITLES = "Alternate_Titles.txt"
REPORTED_TITLES = "Sample_of_Reported_Titles.txt"
SKILLS = "Skills.txt"
KNOWLEDGE = "Knowledge.txt"
TECHNOLOGY = "Technology_Skills.txt"
RELATED = "Related_Occupations.txt"

CODE = "O*NET-SOC Code"
_CODE_RE = re.compile(r"^\d{2}-\d{4}\.\d{2}$")

# The 23 major groups of the 2018 SOC, keyed by the first two digits of the code: the role family.
SOC_MAJOR_GROUPS = {
    "11": "Management Occupations",
    "13": "Business and Financial Operations Occupations",
    "15": "Computer and Mathematical Occupations",
    "17": "Architecture and Engineering Occupations",
    "19": "Life, Physical, and Social Science Occupations",
    "21": "Community and Social Service Occupations",
    "23": "Legal Occupations",
    "25": "Educational Instruction and Library Occupations",
    "27": "Arts, Design, Entertainment, Sports, and Media Occupations",
    "29": "Healthcare Practitioners and Technical Occupations",
    "31": "Healthcare Support Occupations",
    "33": "Protective Service Occupations",
    "35": "Food Preparation and Serving Related Occupations",
    "37": "Building and Grounds Cleaning and Maintenance Occupations",
    "39": "Personal Care and Service Occupations",
    "41": "Sales and Related Occupations",
    "43": "Office and Administrative Support Occupations",
    "45": "Farming, Fishing, and Forestry Occupations",
    "47": "Construction and Extraction Occupations",
    "49": "Installation, Maintenance, and Repair Occupations",
    "51": "Production Occupations",
    "53": "Transportation and Material Moving Occupations",
    "55": "Military Specific Occupations",
}

# Skills.txt elements by O*NET content-model prefix; the longest matching prefix wins. Basic and
# social skills (listening, speaking, coordination, persuasion…) are what HR calls soft skills;
# Mathematics and Science are basic skills in O*NET but read as technical ones in a profile.
_SKILL_TYPES = {
    "2.A": "soft",  # basic skills: reading, listening, writing, speaking, critical thinking, learning
    "2.A.1.e": "technical",  # Mathematics
    "2.A.1.f": "technical",  # Science
    "2.B.1": "soft",  # social skills
    "2.B.2": "soft",  # complex problem solving
    "2.B.3": "technical",  # technical skills: design, installation, programming, repairing…
    "2.B.4": "business",  # systems skills: judgment and decision making, systems analysis/evaluation
    "2.B.5": "business",  # resource management: financial and material resources
    "2.B.5.a": "soft",  # Time Management
    "2.B.5.d": "leadership",  # Management of Personnel Resources
}
_DEFAULT_SKILL_TYPE = "technical"  # an element a newer release adds outside the prefixes above
_SKILL_CLUSTERS = {
    "2.A": "basic_skills",
    "2.B.1": "social_skills",
    "2.B.2": "complex_problem_solving_skills",
    "2.B.3": "technical_skills",
    "2.B.4": "systems_skills",
    "2.B.5": "resource_management_skills",
}
_KNOWLEDGE_CLUSTER = "knowledge"
_TECHNOLOGY_CLUSTER = "technology"

# Commodity titles whose examples are programming languages, developer tools or platforms an
# engineer builds on: those are technical skills; every other technology example (office suites,
# ERP, medical software…) is a digital skill.
_DEVELOPER_COMMODITIES = frozenset(
    {
        "Application server software",
        "Compiler and decompiler software",
        "Configuration management software",
        "Data base management system software",
        "Development environment software",
        "Enterprise application integration software",
        "File versioning software",
        "Graphical user interface development software",
        "Object oriented data base management software",
        "Object or component oriented development software",
        "Program testing software",
        "Requirements analysis and system architecture software",
        "Web platform development software",
    }
)

# Related occupations come in tiers; only the primary ones are transitions worth proposing (the
# Supplemental tier doubles the count with weaker matches). O*NET says nothing about how long a
# move takes, so typical_years stays NULL rather than inventing a figure.
_TRANSITION_TIERS = frozenset({"Primary-Short", "Primary-Long"})

MIN_IMPORTANCE = 2.0  # IM below this: the element barely matters to the occupation, not worth listing
TECH_LEVEL = 3  # Technology Skills carry no level; "proficient" is the neutral requirement


@dataclass
class Row:
    """One data line of a tab-separated file, with its 1-based line number for error messages."""

    file: str
    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values[column]

    def error(self, message: str) -> InvalidInput:
        return InvalidInput(f"{self.file} line {self.line}: {message}")

    def number(self, column: str) -> float:
        try:
            value = float(self.values[column])
        except ValueError:
            raise self.error(f"column '{column}' is not a number: {self.values[column]!r}") from None
        if not math.isfinite(value):
            raise self.error(f"column '{column}' is not a finite number: {self.values[column]!r}")
        return value

    def flag(self, column: str) -> bool:
        value = self.values[column]
        if value not in ("Y", "N", ""):
            raise self.error(f"column '{column}' must be Y, N or empty, not {value!r}")
        return value == "Y"


def read_table(directory: Path, name: str, columns: Sequence[str]) -> list[Row]:
    """The data rows of ``directory/name``, checking the header names ``columns`` and every line
    has as many fields as the header. Raises ``InvalidInput`` naming the file and line."""
    path = directory / name
    if not path.is_file():
        raise InvalidInput(f"O*NET file {name} not found in {directory}")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            # O*NET text files are plain tab-separated: quotes are literal characters, not quoting.
            return _rows(name, csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE), columns)
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{name} is not UTF-8 text: {exc}") from None


def _rows(name: str, reader: Any, columns: Sequence[str]) -> list[Row]:
    header: list[str] | None = next(reader, None)
    if header is None:
        raise InvalidInput(f"{name} is empty (a header line is expected)")
    missing = [c for c in columns if c not in header]
    if missing:
        raise InvalidInput(f"{name} line 1: missing column(s) {', '.join(repr(c) for c in missing)}")
    rows = []
    for fields in reader:
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            found = len(fields)
            raise InvalidInput(
                f"{name} line {reader.line_num}: expected {len(header)} tab-separated fields, found {found}"
            )
        rows.append(Row(name, reader.line_num, dict(zip(header, fields, strict=True))))
    return rows


# Parsed content ---------------------------------------------------------------------------------


@dataclass
class OnetData:
    """What the files hold, as rows ready for COPY (tuples in the temp tables' column order)."""

    roles: list[tuple[str, str, str, str | None, str, str]] = field(default_factory=list)
    role_aliases: list[tuple[str, str, str]] = field(default_factory=list)
    skills: list[tuple[str, str, str, str, str, str, str]] = field(default_factory=list)
    role_skills: list[tuple[str, str, int, str]] = field(default_factory=list)
    transitions: list[tuple[str, str]] = field(default_factory=list)


def read_onet(directory: Path, *, progress: Progress | None = None) -> OnetData:
    """Read and validate the O*NET files in ``directory`` without touching a database."""
    steps = 5

    def step(done: int) -> None:
        if progress:
            progress("onet read", done, steps)

    data = OnetData()
    titles = _read_occupations(directory, data)
    step(1)
    _read_aliases(directory, titles, data)
    step(2)
    _read_elements(directory, titles, data)
    step(3)
    _read_technology(directory, titles, data)
    step(4)
    _read_related(directory, titles, data)
    step(5)
    return data


def _occupation(row: Row, column: str, known: dict[str, str]) -> str:
    code = row[column].strip()
    if code not in known:
        raise row.error(f"unknown {column} {code!r} (not in {OCCUPATIONS})")
    return code


def _read_occupations(directory: Path, data: OnetData) -> dict[str, str]:
    """Roles from Occupation_Data.txt with their Job_Zones.txt zone; returns code → title."""
    zones: dict[str, int] = {}
    for row in read_table(directory, JOB_ZONES, (CODE, "Job Zone")):
        zone = row.number("Job Zone")
        if zone != int(zone) or not 1 <= zone <= 5:
            raise row.error(f"'Job Zone' must be a whole number 1–5, not {row['Job Zone']!r}")
        zones[row[CODE].strip()] = int(zone)
    titles: dict[str, str] = {}
    for row in read_table(directory, OCCUPATIONS, (CODE, "Title", "Description")):
        code, title = row[CODE].strip(), row["Title"].strip()
        if not _CODE_RE.match(code):
            raise row.error(f"'{CODE}' must look like 15-1252.00, not {code!r}")
        if not norm(title):
            raise row.error("empty 'Title'")
        if code in titles:
            raise row.error(f"duplicate occupation {code}")
        titles[code] = title
        attributes = {"soc_code": code[:7], "job_zone": zones.get(code)}
        family = SOC_MAJOR_GROUPS.get(code[:2])
        data.roles.append((code, title, norm(title), family, row["Description"].strip(), _json(attributes)))
    for code in zones:
        if code not in titles:
            raise InvalidInput(f"{JOB_ZONES}: unknown {CODE} {code!r} (not in {OCCUPATIONS})")
    return titles


def _read_aliases(directory: Path, titles: dict[str, str], data: OnetData) -> None:
    """Alternate, short and reported titles, one per normalised form per role, never the title."""
    found: dict[str, dict[str, str]] = defaultdict(dict)

    def add(row: Row, alias: str) -> None:
        code = _occupation(row, CODE, titles)
        key = norm(alias)
        if key and key != norm(titles[code]):
            found[code].setdefault(key, alias.strip())

    for row in read_table(directory, ALTERNATE_TITLES, (CODE, "Alternate Title", "Short Title")):
        add(row, row["Alternate Title"])
        add(row, row["Short Title"])
    for row in read_table(directory, REPORTED_TITLES, (CODE, "Reported Job Title")):
        add(row, row["Reported Job Title"])
    data.role_aliases = [(code, alias, key) for code in sorted(found) for key, alias in found[code].items()]


_ELEMENT_COLUMNS = (
    CODE,
    "Element ID",
    "Element Name",
    "Scale ID",
    "Data Value",
    "Recommend Suppress",
    "Not Relevant",
)


@dataclass
class _Element:
    element_id: str
    name: str
    kind: str  # "skill" or "knowledge"


def _read_elements(directory: Path, titles: dict[str, str], data: OnetData) -> None:
    """Skills.txt and Knowledge.txt: every element is a skill; an occupation requires those it
    rates at least MIN_IMPORTANCE, keeping only pairs whose IM and LV rows are both usable."""
    elements: dict[str, _Element] = {}
    for name, kind in ((SKILLS, "skill"), (KNOWLEDGE, "knowledge")):
        # (occupation, element) → scale → value, or None when the row is suppressed or not relevant
        scores: dict[tuple[str, str], dict[str, float | None]] = defaultdict(dict)
        for row in read_table(directory, name, _ELEMENT_COLUMNS):
            code = _occupation(row, CODE, titles)
            element_id, element_name = row["Element ID"].strip(), row["Element Name"].strip()
            if not element_id or not norm(element_name):
                raise row.error("empty 'Element ID' or 'Element Name'")
            known = elements.setdefault(element_id, _Element(element_id, element_name, kind))
            if known.kind != kind:
                raise row.error(f"element {element_id} already appears in {SKILLS}")
            if row["Scale ID"] in ("IM", "LV"):
                usable = not (row.flag("Recommend Suppress") or row.flag("Not Relevant"))
                value = row.number("Data Value")
                scores[(code, element_id)][row["Scale ID"]] = value if usable else None
        data.role_skills.extend(_element_requirements(scores))
    data.skills.extend(_disambiguate(list(elements.values())))


def _element_requirements(
    scores: dict[tuple[str, str], dict[str, float | None]],
) -> Iterable[tuple[str, str, int, str]]:
    for (code, element_id), scales in sorted(scores.items()):
        importance, level = scales.get("IM"), scales.get("LV")
        if importance is None or level is None or importance < MIN_IMPORTANCE:
            continue
        yield code, element_id, level_from_lv(level), importance_from_im(importance)


def importance_from_im(value: float) -> str:
    """O*NET importance (1–5) as the product's three importance grades."""
    if value >= 4.0:
        return "essential"
    if value >= 3.0:
        return "important"
    return "nice_to_have"


def level_from_lv(value: float) -> int:
    """O*NET level (0–7) mapped linearly onto proficiency 1–5, rounded half up, clamped."""
    return min(5, max(1, math.floor(1 + value * 4 / 7 + 0.5)))


def _by_prefix(element_id: str, table: dict[str, str], default: str) -> str:
    parts = element_id.split(".")
    for end in range(len(parts), 0, -1):
        found = table.get(".".join(parts[:end]))
        if found is not None:
            return found
    return default


def _disambiguate(elements: list[_Element]) -> Iterable[tuple[str, str, str, str, str, str, str]]:
    """Skill rows for the elements. Two elements sharing a name ("Mathematics" is both a skill and a
    knowledge area) must stay tellable apart by name: the knowledge one becomes "Mathematics
    (knowledge)", and a clash within one file falls back to the element id."""
    by_name = Counter(norm(e.name) for e in elements)
    per_kind = Counter((norm(e.name), e.kind) for e in elements)
    for e in sorted(elements, key=lambda e: e.element_id):
        name = e.name
        if by_name[norm(e.name)] > 1:
            if per_kind[(norm(e.name), e.kind)] > 1:
                name = f"{e.name} ({e.element_id})"
            elif e.kind == "knowledge":
                name = f"{e.name} (knowledge)"
        if e.kind == "knowledge":
            kind, cluster = "domain_specific", _KNOWLEDGE_CLUSTER
        else:
            kind = _by_prefix(e.element_id, _SKILL_TYPES, _DEFAULT_SKILL_TYPE)
            cluster = _by_prefix(e.element_id, _SKILL_CLUSTERS, "skills")
        attributes = {"element_id": e.element_id, "category": e.kind}
        yield e.element_id, name, norm(name), kind, cluster, "", _json(attributes)


@dataclass
class _Technology:
    names: Counter[str] = field(default_factory=Counter)
    commodities: Counter[tuple[str, str]] = field(default_factory=Counter)  # (title, code)
    hot: bool = False
    in_demand: bool = False


def _read_technology(directory: Path, titles: dict[str, str], data: OnetData) -> None:
    """Technology_Skills.txt: each distinct example is a digital (or technical) skill; flags are
    aggregated over occupations, and the description is the example's most frequent commodity."""
    columns = (CODE, "Example", "Commodity Code", "Commodity Title", "Hot Technology", "In Demand")
    tech: dict[str, _Technology] = defaultdict(_Technology)
    links: dict[tuple[str, str], str] = {}
    for row in read_table(directory, TECHNOLOGY, columns):
        code = _occupation(row, CODE, titles)
        example, key = row["Example"].strip(), "tech:" + norm(row["Example"])
        if key == "tech:":
            raise row.error("empty 'Example'")
        hot, in_demand = row.flag("Hot Technology"), row.flag("In Demand")
        entry = tech[key]
        entry.names[example] += 1
        entry.commodities[(row["Commodity Title"].strip(), row["Commodity Code"].strip())] += 1
        entry.hot, entry.in_demand = entry.hot or hot, entry.in_demand or in_demand
        importance = "important" if hot or in_demand else "nice_to_have"
        # the same example listed twice for one occupation: the stronger importance wins
        if links.get((code, key)) != "important":
            links[(code, key)] = importance
    data.skills.extend(_technology_skill(key, tech[key]) for key in sorted(tech))
    data.role_skills.extend((code, key, TECH_LEVEL, imp) for (code, key), imp in sorted(links.items()))


def _technology_skill(key: str, entry: _Technology) -> tuple[str, str, str, str, str, str, str]:
    name = _most_common(entry.names)
    commodity, commodity_code = _most_common(entry.commodities)
    developer = any(title in _DEVELOPER_COMMODITIES for title, _ in entry.commodities)
    attributes = {
        "commodity": commodity,
        "commodity_code": commodity_code,
        "hot": entry.hot,
        "in_demand": entry.in_demand,
    }
    kind = "technical" if developer else "digital"
    return key, name, norm(name), kind, _TECHNOLOGY_CLUSTER, commodity, _json(attributes)


def _most_common(counts: Counter[_T]) -> _T:
    """The most frequent value, ties broken by sort order so the import is deterministic."""
    return min(counts.items(), key=lambda item: (-item[1], str(item[0])))[0]


def _read_related(directory: Path, titles: dict[str, str], data: OnetData) -> None:
    columns = (CODE, "Related O*NET-SOC Code", "Relatedness Tier")
    pairs: set[tuple[str, str]] = set()
    for row in read_table(directory, RELATED, columns):
        source = _occupation(row, CODE, titles)
        target = _occupation(row, "Related O*NET-SOC Code", titles)
        if row["Relatedness Tier"].strip() in _TRANSITION_TIERS and source != target:
            pairs.add((source, target))
    data.transitions = sorted(pairs)


def _json(value: dict[str, Any]) -> str:
    return json.dumps(value, sort_keys=True)


# Writing ----------------------------------------------------------------------------------------


def import_onet(conn: psycopg.Connection[Any], directory: Path, *, progress: Progress | None = None) -> dict[str, int]:
    """Import the O*NET files in ``directory`` with the schema owner's connection, in one
    transaction (a savepoint when the caller already has one open); returns counts of what the
    files hold. Raises ``InvalidInput`` for a missing or malformed file, writing nothing."""
    data = read_onet(directory, progress=progress)
    steps = 5

    def step(done: int) -> None:
        if progress:
            progress("onet write", done, steps)

    with conn.transaction(), conn.cursor() as cur:
        _write_roles(cur, data)
        step(1)
        _write_role_aliases(cur, data)
        step(2)
        _write_skills(cur, data)
        step(3)
        _write_role_skills(cur, data)
        step(4)
        _write_transitions(cur, data)
        cur.execute("DROP TABLE _onet_roles, _onet_role_aliases, _onet_skills, _onet_role_skills, _onet_transitions")
        step(5)
    return {
        "roles": len(data.roles),
        "role_aliases": len(data.role_aliases),
        "skills": len(data.skills),
        "aliases": 0,  # O*NET names no skill synonyms in these files
        "role_skills": len(data.role_skills),
        "transitions": len(data.transitions),
    }


def _load_temp(cur: psycopg.Cursor[Any], table: str, columns: str, rows: Iterable[Sequence[Any]]) -> None:
    """A temporary table filled by COPY; dropped at the end of the import (or on commit, at worst)."""
    cur.execute(f"CREATE TEMP TABLE {table} ({columns}) ON COMMIT DROP")
    names = ", ".join(c.split()[0] for c in columns.split(","))
    with cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    cur.execute(f"ANALYZE {table}")  # temp tables have no statistics until told; the joins below need them


# The imported global O*NET role with a given external id, joined as ``r``.
_ROLE = "roles r ON r.org_id IS NULL AND r.source = 'onet' AND r.external_id"


def _write_roles(cur: psycopg.Cursor[Any], data: OnetData) -> None:
    _load_temp(
        cur,
        "_onet_roles",
        "external_id text, title text, title_norm text, family text, description text, attributes jsonb",
        data.roles,
    )
    # The WHERE leaves unchanged rows untouched, so a re-import rewrites nothing it need not.
    cur.execute(
        """INSERT INTO roles (org_id, source, external_id, title, title_norm, family, description, attributes)
           SELECT NULL, 'onet', external_id, title, title_norm, family, description, attributes FROM _onet_roles
           ON CONFLICT (org_id, source, external_id) DO UPDATE SET
               title = EXCLUDED.title, title_norm = EXCLUDED.title_norm, family = EXCLUDED.family,
               description = EXCLUDED.description, attributes = EXCLUDED.attributes,
               -- the text changed, so its old embedding no longer describes it
               embedding = CASE WHEN roles.title = EXCLUDED.title AND roles.description = EXCLUDED.description
                                THEN roles.embedding END
           WHERE (roles.title, roles.family, roles.description, roles.attributes)
                 IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.family, EXCLUDED.description, EXCLUDED.attributes)"""
    )


def _write_role_aliases(cur: psycopg.Cursor[Any], data: OnetData) -> None:
    _load_temp(cur, "_onet_role_aliases", "role_ext text, alias text, alias_norm text", data.role_aliases)
    # Aliases the files no longer list go; those still listed keep their rows and vectors.
    cur.execute(
        f"""DELETE FROM role_aliases ra USING _onet_roles t JOIN {_ROLE} = t.external_id
            WHERE ra.role_id = r.id AND ra.org_id IS NULL
              AND NOT EXISTS (SELECT 1 FROM _onet_role_aliases a
                              WHERE a.role_ext = t.external_id AND a.alias_norm = ra.alias_norm)"""
    )
    cur.execute(
        f"""INSERT INTO role_aliases (org_id, role_id, alias, alias_norm)
            SELECT NULL, r.id, a.alias, a.alias_norm FROM _onet_role_aliases a JOIN {_ROLE} = a.role_ext
            ON CONFLICT (role_id, alias_norm) DO UPDATE SET alias = EXCLUDED.alias, embedding = NULL
            WHERE role_aliases.org_id IS NULL AND role_aliases.alias <> EXCLUDED.alias"""
    )


def _write_skills(cur: psycopg.Cursor[Any], data: OnetData) -> None:
    _load_temp(
        cur,
        "_onet_skills",
        "external_id text, name text, name_norm text, type text, cluster text, description text, attributes jsonb",
        data.skills,
    )
    cur.execute(
        """INSERT INTO skills (org_id, source, external_id, name, name_norm, type, cluster, description, attributes)
           SELECT NULL, 'onet', external_id, name, name_norm, type, cluster, description, attributes FROM _onet_skills
           ON CONFLICT (org_id, source, external_id) DO UPDATE SET
               name = EXCLUDED.name, name_norm = EXCLUDED.name_norm, type = EXCLUDED.type,
               cluster = EXCLUDED.cluster, description = EXCLUDED.description, attributes = EXCLUDED.attributes,
               -- the text changed, so its old embedding no longer describes it
               embedding = CASE WHEN skills.name = EXCLUDED.name AND skills.description = EXCLUDED.description
                                THEN skills.embedding END
           WHERE (skills.name, skills.type, skills.cluster, skills.description, skills.attributes)
                 IS DISTINCT FROM
                 (EXCLUDED.name, EXCLUDED.type, EXCLUDED.cluster, EXCLUDED.description, EXCLUDED.attributes)"""
    )


def _write_role_skills(cur: psycopg.Cursor[Any], data: OnetData) -> None:
    _load_temp(
        cur,
        "_onet_role_skills",
        "role_ext text, skill_ext text, required_level smallint, importance text",
        data.role_skills,
    )
    # Replaced per imported role: the files are the whole truth about an occupation's requirements.
    cur.execute(
        f"""DELETE FROM role_skills rs USING _onet_roles t JOIN {_ROLE} = t.external_id
            WHERE rs.role_id = r.id AND rs.org_id IS NULL"""
    )
    cur.execute(
        f"""INSERT INTO role_skills (org_id, role_id, skill_id, required_level, importance)
            SELECT NULL, r.id, s.id, x.required_level, x.importance
            FROM _onet_role_skills x
            JOIN {_ROLE} = x.role_ext
            JOIN skills s ON s.org_id IS NULL AND s.source = 'onet' AND s.external_id = x.skill_ext
            ON CONFLICT (role_id, skill_id) DO NOTHING"""
    )


def _write_transitions(cur: psycopg.Cursor[Any], data: OnetData) -> None:
    _load_temp(cur, "_onet_transitions", "from_ext text, to_ext text", data.transitions)
    cur.execute(
        f"""DELETE FROM role_transitions rt USING _onet_roles t JOIN {_ROLE} = t.external_id
            WHERE rt.from_role_id = r.id AND rt.source = 'onet'"""
    )
    # DO NOTHING: a transition another source already records between the same roles keeps its data.
    cur.execute(
        """INSERT INTO role_transitions (from_role_id, to_role_id, typical_years, source)
           SELECT f.id, t.id, NULL, 'onet'
           FROM _onet_transitions x
           JOIN roles f ON f.org_id IS NULL AND f.source = 'onet' AND f.external_id = x.from_ext
           JOIN roles t ON t.org_id IS NULL AND t.source = 'onet' AND t.external_id = x.to_ext
           ON CONFLICT (from_role_id, to_role_id) DO NOTHING"""
    )
