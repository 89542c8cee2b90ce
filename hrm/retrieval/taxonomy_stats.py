"""Counts over the shared taxonomy, for ``hrm taxonomy stats``."""

from typing import Any

import psycopg


def _by_source(conn: psycopg.Connection[Any], table: str) -> dict[str, int]:
    rows = conn.execute(f"SELECT source, count(*) AS n FROM {table} WHERE org_id IS NULL GROUP BY source").fetchall()
    return {row["source"]: int(row["n"]) for row in rows}


def taxonomy_stats(conn: psycopg.Connection[Any]) -> dict[str, Any]:
    skills, roles = _by_source(conn, "skills"), _by_source(conn, "roles")

    def count(sql: str) -> int:
        row = conn.execute(sql).fetchone()
        return int(row["n"]) if row else 0

    return {
        "skills": {"total": sum(skills.values()), "by_source": skills},
        "roles": {"total": sum(roles.values()), "by_source": roles},
        "aliases": count("SELECT count(*) AS n FROM skill_aliases WHERE org_id IS NULL"),
        "relations": count("SELECT count(*) AS n FROM skill_relations"),
        "transitions": count("SELECT count(*) AS n FROM role_transitions"),
        "role_aliases": count("SELECT count(*) AS n FROM role_aliases WHERE org_id IS NULL"),
    }
