"""Load the built-in learning resources shipped in ``hrm/data/learning_resources.json`` into the
global rows of ``learning_resources``. Idempotent: a re-run updates rows in place and removes
built-in rows the file no longer lists (organisations' own rows are never touched)."""

import json
from importlib import resources
from typing import Any

import psycopg

from hrm.retrieval.builtin_taxonomy import SOURCE

KINDS = ("course", "book", "docs", "practice", "mentoring", "internal")


def read_builtin_resources() -> list[dict[str, Any]]:
    text = resources.files("hrm.data").joinpath("learning_resources.json").read_text(encoding="utf-8")
    items: list[dict[str, Any]] = json.loads(text)["resources"]
    return items


def _value(row: Any, index: int, key: str) -> Any:
    return row[key] if isinstance(row, dict) else row[index]


def load_builtin_resources(conn: psycopg.Connection[Any]) -> int:
    """Upsert the built-in resources with the schema owner's connection (after the built-in
    taxonomy, whose skill keys and clusters they refer to); returns how many are loaded."""
    items = read_builtin_resources()
    with conn.transaction():
        rows = conn.execute(
            "SELECT external_id, id, cluster FROM skills WHERE org_id IS NULL AND source = %s", (SOURCE,)
        ).fetchall()
        skill_ids = {_value(r, 0, "external_id"): int(_value(r, 1, "id")) for r in rows}
        clusters = {_value(r, 2, "cluster") for r in rows}
        # The file ships with the code: a wrong key is a packaging bug, so fail loudly rather than
        # load a resource that can never be suggested.
        for item in items:
            if item.get("skill") is not None and item["skill"] not in skill_ids:
                raise ValueError(f"learning resource {item['title']!r} names unknown skill key {item['skill']!r}")
            if item.get("cluster") is not None and item["cluster"] not in clusters:
                raise ValueError(f"learning resource {item['title']!r} names unknown cluster {item['cluster']!r}")
            if item["kind"] not in KINDS:
                raise ValueError(f"learning resource {item['title']!r} has unknown kind {item['kind']!r}")
        kept: list[int] = []
        for item in items:
            row = conn.execute(
                """INSERT INTO learning_resources (org_id, skill_id, cluster, title, url, kind, hours, description)
                   VALUES (NULL, %s, %s, %s, %s, %s, %s, %s)
                   ON CONFLICT (org_id, skill_id, cluster, title) DO UPDATE SET
                       url = EXCLUDED.url, kind = EXCLUDED.kind, hours = EXCLUDED.hours,
                       description = EXCLUDED.description
                   RETURNING id""",
                (
                    skill_ids[item["skill"]] if item.get("skill") is not None else None,
                    item.get("cluster"),
                    item["title"],
                    item.get("url"),
                    item["kind"],
                    item.get("hours"),
                    item.get("description", ""),
                ),
            ).fetchone()
            assert row is not None
            kept.append(int(_value(row, 0, "id")))
        conn.execute("DELETE FROM learning_resources WHERE org_id IS NULL AND NOT (id = ANY(%s))", (kept,))
    return len(kept)
