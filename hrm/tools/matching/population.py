"""Loading people and roles from the database into the scorer's matrices.

Rows are people, columns roles, both in a fixed order (roles by id), so rankings are reproducible.
Career closeness comes from the transition graph: a role one step from the person's current role
scores 1, two steps 0.5, three 0.25. Organisation roles take part in the graph through the
catalogue role their title means, since curated transitions exist only between catalogue roles.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import numpy as np
from scipy import sparse

from hrm.core.db import Conn
from hrm.core.errors import NotFound
from hrm.retrieval.embeddings import DIMENSIONS, Embedder, from_pgvector
from hrm.tools.catalog import Requirement, RoleRef, effective_levels, person_role, requirements, resolve_role
from hrm.tools.matching.scorer import MatchInputs

MAX_HOPS = 3
Tokens = Callable[[Any], set[str]]


@dataclass(frozen=True)
class Population:
    people: list[dict[str, Any]]
    roles: list[RoleRef]
    requirements: dict[int, list[Requirement]]
    levels: dict[UUID, dict[int, int]]
    current: dict[UUID, RoleRef | None]
    hops: dict[UUID, dict[int, int]]  # person → role id → steps from their current role
    inputs: MatchInputs


async def _skill_vectors(conn: Conn, skill_ids: list[int]) -> np.ndarray:
    cur = await conn.execute(
        "SELECT id, embedding::text AS v FROM skills WHERE id = ANY(%s) AND embedding IS NOT NULL", (skill_ids,)
    )
    found = {int(row["id"]): from_pgvector(str(row["v"])) for row in await cur.fetchall()}
    out = np.zeros((len(skill_ids), DIMENSIONS))
    for i, skill in enumerate(skill_ids):
        if skill in found:
            vector = found[skill]
            norm = float(np.linalg.norm(vector))
            out[i] = vector / norm if norm > 0 else vector
    return out


async def _catalogue_twin(conn: Conn, embedder: Embedder, role: RoleRef) -> int:
    """The catalogue role standing for an organisation role on the transition graph."""
    if not role.org_specific:
        return role.id
    try:
        return (await resolve_role(conn, embedder, role.title, taxonomy="builtin")).id
    except NotFound:
        return role.id


_WALK = """
WITH RECURSIVE walk(role_id, hops) AS (
    SELECT to_role_id, 1 FROM role_transitions WHERE from_role_id = %(start)s
    UNION
    SELECT t.to_role_id, w.hops + 1 FROM walk w JOIN role_transitions t ON t.from_role_id = w.role_id
    WHERE w.hops < %(max)s
)
SELECT role_id, min(hops) AS hops FROM walk GROUP BY role_id
"""


async def _steps_from(conn: Conn, start: int) -> dict[int, int]:
    cur = await conn.execute(_WALK, {"start": start, "max": MAX_HOPS})
    return {int(row["role_id"]): int(row["hops"]) for row in await cur.fetchall() if int(row["role_id"]) != start}


def _csr(rows: list[dict[int, float]], columns: int) -> sparse.csr_matrix:
    indptr, indices, data = [0], [], []
    for row in rows:
        for column in sorted(row):
            indices.append(column)
            data.append(row[column])
        indptr.append(len(indices))
    return sparse.csr_matrix(
        (np.asarray(data, dtype=np.float64), np.asarray(indices, dtype=np.int64), np.asarray(indptr)),
        shape=(len(rows), columns),
    )


async def load_population(
    conn: Conn,
    embedder: Embedder,
    people: list[dict[str, Any]],
    roles: list[RoleRef],
    *,
    person_tokens: Callable[[dict[str, Any], RoleRef | None], set[str]],
    role_tokens: Callable[[RoleRef], set[str]],
) -> Population:
    """``people`` rows carry at least id, job_title and role_id; ``roles`` are scored as given."""
    roles = sorted(roles, key=lambda r: r.id)
    needs = await requirements(conn, [r.id for r in roles])
    levels = await effective_levels(conn, [p["id"] for p in people])
    skill_ids = sorted({s for held in levels.values() for s in held} | {q.skill_id for r in needs.values() for q in r})
    column = {skill: i for i, skill in enumerate(skill_ids)}

    current: dict[UUID, RoleRef | None] = {}
    hops: dict[UUID, dict[int, int]] = {}
    walks: dict[int, dict[int, int]] = {}
    twins: dict[int, int] = {}
    for role in roles:
        twins[role.id] = await _catalogue_twin(conn, embedder, role) if role.org_specific else role.id
    by_title: dict[tuple[Any, str], RoleRef | None] = {}  # a team shares a handful of titles
    for person in people:
        key = (person.get("role_id"), str(person.get("job_title") or ""))
        if key not in by_title:
            by_title[key] = await person_role(conn, embedder, person)
        held = by_title[key]
        current[person["id"]] = held
        if held is None:
            hops[person["id"]] = {}
            continue
        start = await _catalogue_twin(conn, embedder, held)
        if start not in walks:
            walks[start] = await _steps_from(conn, start)
        steps = walks[start]
        hops[person["id"]] = {r.id: steps[twins[r.id]] for r in roles if twins[r.id] in steps}

    role_index = {r.id: i for i, r in enumerate(roles)}
    career_rows = [{role_index[r]: 0.5 ** (h - 1) for r, h in hops[p["id"]].items()} for p in people]
    vocabulary = sorted(
        {t for p in people for t in person_tokens(p, current[p["id"]])} | {t for r in roles for t in role_tokens(r)}
    )
    token_index = {t: i for i, t in enumerate(vocabulary)}
    width = len(skill_ids)
    inputs = MatchInputs(
        levels=_csr([{column[s]: float(v) for s, v in levels[p["id"]].items()} for p in people], width),
        required=_csr([{column[q.skill_id]: float(q.required_level) for q in needs[r.id]} for r in roles], width),
        importance=_csr([{column[q.skill_id]: q.weight for q in needs[r.id]} for r in roles], width),
        skill_vectors=await _skill_vectors(conn, skill_ids),
        career=_csr(career_rows, len(roles)),
        person_tokens=_csr(
            [{token_index[t]: 1.0 for t in person_tokens(p, current[p["id"]])} for p in people], len(vocabulary)
        ),
        role_tokens=_csr([{token_index[t]: 1.0 for t in role_tokens(r)} for r in roles], len(vocabulary)),
    )
    return Population(
        people=people, roles=roles, requirements=needs, levels=levels, current=current, hops=hops, inputs=inputs
    )
