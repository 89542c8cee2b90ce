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


def _nearest_sql(table: str, label: str, aliases: str, key: str, taxonomy: str) -> str:
    """Best similarity per entity over its own vector and its aliases' vectors."""
    where = taxonomy_filter("e", taxonomy)
    return f"""
SELECT id, max(sim) AS sim, (array_agg(label ORDER BY sim DESC))[1] AS label FROM (
    (SELECT e.id, 1 - (e.embedding <=> %(q)s::vector) AS sim, e.{label} AS label FROM {table} e
     WHERE e.embedding IS NOT NULL{where} ORDER BY e.embedding <=> %(q)s::vector LIMIT %(k)s)
    UNION ALL
    (SELECT e.id, 1 - (a.embedding <=> %(q)s::vector), a.alias FROM {aliases} a JOIN {table} e ON e.id = a.{key}
     WHERE a.embedding IS NOT NULL{where} ORDER BY a.embedding <=> %(q)s::vector LIMIT %(k)s)
) hits GROUP BY id ORDER BY sim DESC, id LIMIT %(k)s
"""


async def nearest_skills(conn: Conn, vector: str, *, taxonomy: str, k: int) -> list[dict[str, Any]]:
    """[{id, sim, label}] best first; ``vector`` in pgvector text form."""
    sql = _nearest_sql("skills", "name", "skill_aliases", "skill_id", taxonomy)
    cur = await conn.execute(sql, {"q": vector, "k": k, "taxonomy": taxonomy})
    return list(await cur.fetchall())


async def nearest_roles(conn: Conn, vector: str, *, taxonomy: str, k: int) -> list[dict[str, Any]]:
    sql = _nearest_sql("roles", "title", "role_aliases", "role_id", taxonomy)
    cur = await conn.execute(sql, {"q": vector, "k": k, "taxonomy": taxonomy})
    return list(await cur.fetchall())
