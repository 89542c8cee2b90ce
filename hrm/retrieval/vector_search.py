"""Nearest neighbours in pgvector over entities and their labels (HNSW, cosine distance).

Every alias has its own vector, so an entity is as close as its closest label. Runs on an
organisation-scoped connection: row-level security keeps other organisations' entries out.
"""

from typing import Any

from hrm.core.db import Conn

# ef_search above the default (40) for recall at the sizes ESCO and O*NET bring; iterative scans
# keep filtered searches (one taxonomy of several) from coming back short.
_TUNING = ("SET LOCAL hnsw.ef_search = 100", "SET LOCAL hnsw.iterative_scan = relaxed_order")


async def tune(conn: Conn) -> None:
    for statement in _TUNING:
        await conn.execute(statement)


def taxonomy_filter(alias: str, taxonomy: str) -> str:
    return "" if taxonomy == "all" else f" AND {alias}.source = %(taxonomy)s"


_SKILLS = """
SELECT id, max(sim) AS sim, (array_agg(label ORDER BY sim DESC))[1] AS label FROM (
    (SELECT s.id, 1 - (s.embedding <=> %(q)s::vector) AS sim, s.name AS label FROM skills s
     WHERE s.embedding IS NOT NULL{where_s} ORDER BY s.embedding <=> %(q)s::vector LIMIT %(k)s)
    UNION ALL
    (SELECT s.id, 1 - (a.embedding <=> %(q)s::vector), a.alias FROM skill_aliases a JOIN skills s ON s.id = a.skill_id
     WHERE a.embedding IS NOT NULL{where_s} ORDER BY a.embedding <=> %(q)s::vector LIMIT %(k)s)
) hits GROUP BY id ORDER BY sim DESC, id LIMIT %(k)s
"""

_ROLES = """
SELECT id, max(sim) AS sim, (array_agg(label ORDER BY sim DESC))[1] AS label FROM (
    (SELECT r.id, 1 - (r.embedding <=> %(q)s::vector) AS sim, r.title AS label FROM roles r
     WHERE r.embedding IS NOT NULL{where_r} ORDER BY r.embedding <=> %(q)s::vector LIMIT %(k)s)
    UNION ALL
    (SELECT r.id, 1 - (a.embedding <=> %(q)s::vector), a.alias FROM role_aliases a JOIN roles r ON r.id = a.role_id
     WHERE a.embedding IS NOT NULL{where_r} ORDER BY a.embedding <=> %(q)s::vector LIMIT %(k)s)
) hits GROUP BY id ORDER BY sim DESC, id LIMIT %(k)s
"""


async def nearest_skills(conn: Conn, vector: str, *, taxonomy: str, k: int) -> list[dict[str, Any]]:
    """[{id, sim, label}] best first; ``vector`` in pgvector text form."""
    sql = _SKILLS.format(where_s=taxonomy_filter("s", taxonomy))
    cur = await conn.execute(sql, {"q": vector, "k": k, "taxonomy": taxonomy})
    return list(await cur.fetchall())


async def nearest_roles(conn: Conn, vector: str, *, taxonomy: str, k: int) -> list[dict[str, Any]]:
    sql = _ROLES.format(where_r=taxonomy_filter("r", taxonomy))
    cur = await conn.execute(sql, {"q": vector, "k": k, "taxonomy": taxonomy})
    return list(await cur.fetchall())
