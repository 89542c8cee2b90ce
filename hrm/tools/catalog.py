"""Roles and their requirements, and people's effective skill levels: what matching, gap analysis,
career paths and team analytics all read.

One place decides which of a person's ratings counts (the most trusted source, disputed rows
ignored) and which role a free-text title or a person's job title means, so the tools agree.
"""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from hrm.core.db import Conn
from hrm.core.errors import NotFound
from hrm.core.models import SOURCE_PRIORITY
from hrm.core.text import norm
from hrm.retrieval import hybrid
from hrm.retrieval.embeddings import Embedder

IMPORTANCE_WEIGHT = {"essential": 3.0, "important": 2.0, "nice_to_have": 1.0}
IMPORTANCE_ORDER = {"essential": 0, "important": 1, "nice_to_have": 2}

# Months to climb one level, read off the seed's scale (Novice 0-6 months of experience, Developing
# 6-18, Proficient 1-3 years, Advanced 3-7, Expert 7+): the step is the gap between neighbours.
STEP_MONTHS = {1: (1, 6), 2: (6, 12), 3: (6, 18), 4: (24, 48), 5: (36, 60)}

# A title normalised with a weaker score than this is a guess, not a role the person holds.
MIN_TITLE_SCORE = 0.55


@dataclass(frozen=True)
class RoleRef:
    id: int
    title: str
    source: str
    external_id: str
    family: str | None
    level: str | None
    department: str | None
    org_specific: bool


@dataclass(frozen=True)
class Requirement:
    skill_id: int
    name: str
    cluster: str | None
    required_level: int
    importance: str

    @property
    def weight(self) -> float:
        return IMPORTANCE_WEIGHT[self.importance]


def months_to_reach(current: int, required: int) -> tuple[int, int]:
    """Estimated months (low, high) to go from ``current`` (0 = not held) to ``required``."""
    steps = [STEP_MONTHS[level] for level in range(max(current, 0) + 1, required + 1)]
    return (sum(low for low, _ in steps), sum(high for _, high in steps))


_ROLE_COLUMNS = "r.id, r.title, r.source, r.external_id, r.family, r.level, r.department, r.org_id"


def _role(row: dict[str, Any]) -> RoleRef:
    return RoleRef(
        id=int(row["id"]),
        title=str(row["title"]),
        source=str(row["source"]),
        external_id=str(row["external_id"]),
        family=row["family"],
        level=row["level"],
        department=row["department"],
        org_specific=row["org_id"] is not None,
    )


async def roles_by_id(conn: Conn, ids: list[int]) -> dict[int, RoleRef]:
    cur = await conn.execute(f"SELECT {_ROLE_COLUMNS} FROM roles r WHERE r.id = ANY(%s)", (ids,))
    return {int(row["id"]): _role(row) for row in await cur.fetchall()}


async def resolve_role(conn: Conn, embedder: Embedder, ref: str, *, taxonomy: str = "all") -> RoleRef:
    """The role ``ref`` names: an id, a code, an exact title or alias (the organisation's own roles
    first), else the best normalised title when it is a confident match."""
    text = ref.strip()
    if not text:
        raise NotFound("Which role? Give a job title, e.g. 'Senior Data Engineer'.")
    if text.isdigit():
        found = await roles_by_id(conn, [int(text)])
        if found:
            return found[int(text)]
    where = "" if taxonomy == "all" else " AND r.source = %(taxonomy)s"
    cur = await conn.execute(
        f"""SELECT {_ROLE_COLUMNS} FROM roles r
            WHERE (r.external_id = %(text)s OR r.title_norm = %(key)s
                   OR EXISTS (SELECT 1 FROM role_aliases a WHERE a.role_id = r.id AND a.alias_norm = %(key)s)){where}
            ORDER BY (r.org_id IS NULL), (r.title_norm <> %(key)s), CASE r.source WHEN 'builtin' THEN 0 ELSE 1 END,
                     r.id
            LIMIT 1""",
        {"text": text, "key": norm(text), "taxonomy": taxonomy},
    )
    row = await cur.fetchone()
    if row:
        return _role(row)
    ranked = (await hybrid.normalize_titles(conn, embedder, [text[:300]], taxonomy=taxonomy, top_k=1))[0]
    if ranked and ranked[0].score >= MIN_TITLE_SCORE:
        return (await roles_by_id(conn, [ranked[0].role_id]))[ranked[0].role_id]
    raise NotFound(f"I couldn't find a role matching {ref!r}. Try a common job title, e.g. 'Data Engineer'.")


async def person_role(conn: Conn, embedder: Embedder, person: dict[str, Any]) -> RoleRef | None:
    """The role a person holds: the one recorded on them, else their job title read as a role."""
    if person.get("role_id"):
        found = await roles_by_id(conn, [int(person["role_id"])])
        if found:
            return next(iter(found.values()))
    title = str(person.get("job_title") or "").strip()
    if not title:
        return None
    try:
        return await resolve_role(conn, embedder, title)
    except NotFound:
        return None


async def requirements(conn: Conn, role_ids: list[int]) -> dict[int, list[Requirement]]:
    """Each role's required skills, most important and highest level first."""
    cur = await conn.execute(
        """SELECT rs.role_id, rs.skill_id, s.name, s.cluster, rs.required_level, rs.importance
           FROM role_skills rs JOIN skills s ON s.id = rs.skill_id
           WHERE rs.role_id = ANY(%s)""",
        (role_ids,),
    )
    out: dict[int, list[Requirement]] = {i: [] for i in role_ids}
    for row in await cur.fetchall():
        out[int(row["role_id"])].append(
            Requirement(
                skill_id=int(row["skill_id"]),
                name=str(row["name"]),
                cluster=row["cluster"],
                required_level=int(row["required_level"]),
                importance=str(row["importance"]),
            )
        )
    for reqs in out.values():
        reqs.sort(key=lambda r: (IMPORTANCE_ORDER[r.importance], -r.required_level, r.name.lower()))
    return out


async def effective_levels(conn: Conn, person_ids: list[UUID]) -> dict[UUID, dict[int, int]]:
    """Per person, skill id → the level from the most trusted source; disputed ratings ignored."""
    cur = await conn.execute(
        """SELECT person_id, skill_id, level, source FROM person_skills
           WHERE person_id = ANY(%s) AND status <> 'disputed'""",
        (person_ids,),
    )
    priority = {source.value: rank for rank, source in enumerate(SOURCE_PRIORITY)}
    best: dict[tuple[UUID, int], tuple[int, int]] = {}
    for row in await cur.fetchall():
        key = (row["person_id"], int(row["skill_id"]))
        rank = priority.get(str(row["source"]), 99)
        if key not in best or rank < best[key][0]:
            best[key] = (rank, int(row["level"]))
    out: dict[UUID, dict[int, int]] = {p: {} for p in person_ids}
    for (person, skill), (_, level) in best.items():
        out[person][skill] = level
    return out
