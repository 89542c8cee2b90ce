"""Exact resolution of skill names (names and aliases; case, spacing and punctuation insensitive)."""

from hrm.core.db import Conn
from hrm.core.text import norm

# When one spelling is an alias of several skills: the organisation's own first, then the
# built-in taxonomy, then imported ones; names always beat aliases.
_RESOLVE = """
SELECT DISTINCT ON (key) key, skill_id FROM (
    SELECT s.name_norm AS key, s.id AS skill_id, 0 AS kind, s.source FROM skills s
    WHERE s.name_norm = ANY(%(keys)s)
    UNION ALL
    SELECT a.alias_norm, a.skill_id, 1, s.source FROM skill_aliases a JOIN skills s ON s.id = a.skill_id
    WHERE a.alias_norm = ANY(%(keys)s)
) c
ORDER BY key, kind, CASE source WHEN 'org' THEN 0 WHEN 'builtin' THEN 1 ELSE 2 END, skill_id
"""


async def resolve_skill_names(conn: Conn, names: list[str]) -> dict[str, int]:
    """Map each given name to a skill id; names that match nothing are absent from the result."""
    keys = {name: norm(name) for name in names}
    cur = await conn.execute(_RESOLVE, {"keys": sorted({k for k in keys.values() if k})})
    by_key = {row["key"]: row["skill_id"] for row in await cur.fetchall()}
    return {name: by_key[key] for name, key in keys.items() if key in by_key}
