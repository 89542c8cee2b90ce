"""Load the built-in taxonomy shipped in ``hrm/data`` (skills, aliases, relations, roles,
transitions) into the global reference tables. Idempotent: a re-run updates in place."""

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

import psycopg

from hrm.core.text import norm

SOURCE = "builtin"


@dataclass(frozen=True)
class BuiltinTaxonomy:
    skills: list[dict[str, Any]]
    relations: list[dict[str, Any]]
    roles: list[dict[str, Any]]
    transitions: list[dict[str, Any]]


def read_builtin() -> BuiltinTaxonomy:
    data = resources.files("hrm.data")
    skills: list[dict[str, Any]] = []
    relations: list[dict[str, Any]] = []
    for entry in sorted(data.joinpath("skills").iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        doc = json.loads(entry.read_text(encoding="utf-8"))
        for skill in doc["skills"]:
            skills.append({**skill, "cluster": doc["cluster"]})
        relations.extend(doc.get("relations", []))
    roles_doc = json.loads(data.joinpath("roles.json").read_text(encoding="utf-8"))
    return BuiltinTaxonomy(skills, relations, roles_doc["roles"], roles_doc["transitions"])


def load_builtin(conn: psycopg.Connection[Any]) -> dict[str, int]:
    """Upsert the built-in taxonomy with the schema owner's connection; returns counts."""
    tax = read_builtin()
    with conn.transaction():
        skill_ids = _load_skills(conn, tax.skills)
        with conn.cursor() as cur:
            cur.executemany(
                """INSERT INTO skill_relations (from_skill_id, to_skill_id, type, source)
                   VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING""",
                [(skill_ids[r["from"]], skill_ids[r["to"]], r["type"], SOURCE) for r in tax.relations],
            )
        role_ids = _load_roles(conn, tax.roles, skill_ids)
        with conn.cursor() as cur:
            cur.executemany(
                """INSERT INTO role_transitions (from_role_id, to_role_id, typical_years, source)
                   VALUES (%s, %s, %s, %s)
                   ON CONFLICT (from_role_id, to_role_id) DO UPDATE SET typical_years = EXCLUDED.typical_years""",
                [(role_ids[t["from"]], role_ids[t["to"]], t["years"], SOURCE) for t in tax.transitions],
            )
    return {
        "skills": len(skill_ids),
        "aliases": sum(len(s.get("aliases", [])) for s in tax.skills),
        "relations": len(tax.relations),
        "roles": len(role_ids),
        "transitions": len(tax.transitions),
    }


def _load_skills(conn: psycopg.Connection[Any], skills: list[dict[str, Any]]) -> dict[str, int]:
    ids: dict[str, int] = {}
    with conn.cursor() as cur:
        for s in skills:
            cur.execute(
                """INSERT INTO skills (org_id, source, external_id, name, name_norm, type, cluster, description,
                                       demand, automation_risk, growth)
                   VALUES (NULL, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
                   ON CONFLICT (org_id, source, external_id) DO UPDATE SET
                       name = EXCLUDED.name, name_norm = EXCLUDED.name_norm, type = EXCLUDED.type,
                       cluster = EXCLUDED.cluster, description = EXCLUDED.description,
                       demand = EXCLUDED.demand, automation_risk = EXCLUDED.automation_risk,
                       growth = EXCLUDED.growth,
                       -- the text changed, so its old embedding no longer describes it
                       embedding = CASE WHEN skills.name = EXCLUDED.name
                                         AND skills.description = EXCLUDED.description
                                        THEN skills.embedding END
                   RETURNING id""",
                (
                    SOURCE,
                    s["key"],
                    s["name"],
                    norm(s["name"]),
                    s["type"],
                    s["cluster"],
                    s["description"],
                    s.get("demand"),
                    s.get("automation_risk"),
                    s.get("growth"),
                ),
            )
            row = cur.fetchone()
            assert row is not None
            ids[s["key"]] = row["id"] if isinstance(row, dict) else row[0]
        cur.executemany(
            """INSERT INTO skill_aliases (org_id, skill_id, alias, alias_norm) VALUES (NULL, %s, %s, %s)
               ON CONFLICT (skill_id, alias_norm) DO UPDATE SET alias = EXCLUDED.alias""",
            [(ids[s["key"]], a, norm(a)) for s in skills for a in s.get("aliases", []) if norm(a)],
        )
    return ids


def _load_roles(
    conn: psycopg.Connection[Any], roles: list[dict[str, Any]], skill_ids: dict[str, int]
) -> dict[str, int]:
    ids: dict[str, int] = {}
    with conn.cursor() as cur:
        for r in roles:
            cur.execute(
                """INSERT INTO roles (org_id, source, external_id, title, title_norm, family, level, description)
                   VALUES (NULL, %s, %s, %s, %s, %s, %s, %s)
                   ON CONFLICT (org_id, source, external_id) DO UPDATE SET
                       title = EXCLUDED.title, title_norm = EXCLUDED.title_norm, family = EXCLUDED.family,
                       level = EXCLUDED.level, description = EXCLUDED.description
                   RETURNING id""",
                (SOURCE, r["code"], r["title"], norm(r["title"]), r["family"], r["level"], r.get("description", "")),
            )
            row = cur.fetchone()
            assert row is not None
            role_id = row["id"] if isinstance(row, dict) else row[0]
            ids[r["code"]] = role_id
            cur.execute("DELETE FROM role_skills WHERE role_id = %s", (role_id,))
            cur.executemany(
                """INSERT INTO role_skills (org_id, role_id, skill_id, required_level, importance)
                   VALUES (NULL, %s, %s, %s, %s)""",
                [(role_id, skill_ids[s["skill"]], s["level"], s["importance"]) for s in r["skills"]],
            )
            cur.executemany(
                """INSERT INTO role_aliases (org_id, role_id, alias, alias_norm) VALUES (NULL, %s, %s, %s)
                   ON CONFLICT (role_id, alias_norm) DO NOTHING""",
                [(role_id, a, norm(a)) for a in r.get("aliases", []) if norm(a)],
            )
    return ids
