"""Learning resources: the built-in set, an organisation's own from CSV, and who sees which."""

import json
from collections.abc import AsyncIterator
from importlib import resources

import psycopg
import pytest

from hrm.core.db import Database
from hrm.core.identity import resolve_org
from hrm.retrieval.builtin_resources import load_builtin_resources, read_builtin_resources
from hrm.retrieval.builtin_taxonomy import read_builtin
from hrm.tools.learning import import_resources, parse_resources_csv, suggestions_for
from hrm.tools.org_import import ImportRejected, import_org

HEADER = "title,url,skill,cluster,kind,hours,description\n"
PEOPLE = "email,first_name,last_name,job_title,department,manager_email,location,role,slack_user_id\n"


@pytest.fixture(scope="module")
async def learning_orgs(db: Database) -> AsyncIterator[Database]:
    with db.owner_connect() as conn:
        load_builtin_resources(conn)
    for slug in ("learn-a", "learn-b"):
        await import_org(db, slug, people_csv=PEOPLE + f"pat@{slug}.test,Pat,Lee,Engineer,Eng,,,employee,\n")
    yield db


async def _skill_id(db: Database, name: str) -> tuple[int, str | None]:
    async with db.org_tx(None) as conn:
        cur = await conn.execute(
            "SELECT id, cluster FROM skills WHERE source = 'builtin' AND org_id IS NULL AND name = %s", (name,)
        )
        row = await cur.fetchone()
    assert row is not None
    return int(row["id"]), row["cluster"]


async def _org_rows(db: Database, slug: str) -> list[str]:
    async with db.org_tx(await resolve_org(db, slug)) as conn:
        cur = await conn.execute("SELECT title FROM learning_resources WHERE org_id IS NOT NULL ORDER BY title")
        return [str(r["title"]) for r in await cur.fetchall()]


def test_every_builtin_cluster_has_two_to_four_resources() -> None:
    clusters = {s["cluster"] for s in read_builtin().skills}
    per_cluster: dict[str, int] = {}
    for item in read_builtin_resources():
        if item.get("cluster"):
            per_cluster[item["cluster"]] = per_cluster.get(item["cluster"], 0) + 1
    assert set(per_cluster) == clusters
    assert all(2 <= n <= 4 for n in per_cluster.values()), per_cluster
    for item in read_builtin_resources():
        assert (item.get("skill") is None) != (item.get("cluster") is None), item["title"]
        assert item["url"] is None or item["url"].startswith("https://"), item["title"]


async def test_builtin_load_is_idempotent(learning_orgs: Database) -> None:
    db = learning_orgs
    with db.owner_connect() as conn:
        first = load_builtin_resources(conn)
        ids = conn.execute("SELECT array_agg(id ORDER BY id) AS ids FROM learning_resources WHERE org_id IS NULL")
        before = ids.fetchone()
        again = load_builtin_resources(conn)
        after = conn.execute(
            "SELECT array_agg(id ORDER BY id) AS ids FROM learning_resources WHERE org_id IS NULL"
        ).fetchone()
    doc = json.loads(resources.files("hrm.data").joinpath("learning_resources.json").read_text(encoding="utf-8"))
    assert first == again == len(doc["resources"])
    assert before == after  # updated in place, not re-created


async def test_builtin_load_removes_what_the_file_dropped(learning_orgs: Database) -> None:
    db = learning_orgs
    await import_resources(db, "learn-b", HEADER + "Kept by the organisation,,,design,internal,,\n")
    with db.owner_connect() as conn:
        conn.execute(
            "INSERT INTO learning_resources (org_id, cluster, title, kind) VALUES (NULL, 'design', 'Withdrawn', 'book')"
        )
        conn.commit()
        load_builtin_resources(conn)
        gone = conn.execute("SELECT count(*) AS n FROM learning_resources WHERE title = 'Withdrawn'").fetchone()
    assert gone is not None and gone["n"] == 0
    assert "Kept by the organisation" in await _org_rows(db, "learn-b")


def test_parse_reports_every_bad_line() -> None:
    text = HEADER + (
        "Good one,https://example.org/a,Python,,docs,3,fine\n"
        ",https://example.org/b,Python,,docs,,no title\n"
        "Script link,javascript:alert(1),Python,,docs,,bad url\n"
        "Nowhere,,,,course,,neither skill nor cluster\n"
        "Weird kind,,Python,,podcast,,\n"
        "Too long,,Python,,course,-2,\n"
        "Good one,,Python,,book,,duplicate of line 2\n"
    )
    parsed = parse_resources_csv(text)
    assert [r.title for r in parsed.rows] == ["Good one"]
    assert parsed.rows[0].hours == 3.0 and parsed.rows[0].kind == "docs"
    assert sorted({e.line for e in parsed.errors}) == [3, 4, 5, 6, 7, 8]
    messages = " | ".join(str(e) for e in parsed.errors)
    assert "title is empty" in messages and "http://" in messages and "podcast" in messages
    assert "first on line 2" in messages


def test_parse_names_wrong_columns() -> None:
    parsed = parse_resources_csv("name,link\nA,B\n")
    assert not parsed.rows
    assert "missing column title" in parsed.errors[0].message and "link" in parsed.errors[0].message


async def test_bad_line_rejects_the_whole_file(learning_orgs: Database) -> None:
    db = learning_orgs
    text = HEADER + (
        "Our Python guild,https://wiki.learn-a.test/python,Python,,internal,10,Weekly sessions\n"
        "Ghost course,,Underwater Basket Weaving,,course,,\n"
        "Cluster typo,,,cloud_infra,course,,\n"
    )
    with pytest.raises(ImportRejected) as caught:
        await import_resources(db, "learn-a", text)
    assert {(e.line, e.message.split(" ")[1]) for e in caught.value.errors} == {(3, "skill"), (4, "cluster")}
    assert "Underwater Basket Weaving" in caught.value.message
    assert await _org_rows(db, "learn-a") == []


async def test_import_then_reimport_updates(learning_orgs: Database) -> None:
    db = learning_orgs
    text = HEADER + (
        "Platform onboarding,https://wiki.learn-a.test/platform,,cloud_infrastructure,internal,6,Our clusters\n"
        "Docker at Learn-A,,docker,,internal,,Our base images\n"
    )
    report = await import_resources(db, "learn-a", text)
    assert (report.created, report.updated) == (2, 0)
    report = await import_resources(db, "learn-a", text.replace("Our base images", "Our hardened base images"))
    assert (report.created, report.updated) == (0, 2)
    assert await _org_rows(db, "learn-a") == ["Docker at Learn-A", "Platform onboarding"]


async def test_organisation_resources_are_invisible_to_others(learning_orgs: Database) -> None:
    db = learning_orgs
    await import_resources(db, "learn-a", HEADER + "Secret SRE handbook,,Kubernetes,,internal,,\n")
    kubernetes = await _skill_id(db, "Kubernetes")
    org_a, org_b = await resolve_org(db, "learn-a"), await resolve_org(db, "learn-b")
    async with db.org_tx(org_a) as conn:
        seen_by_a = (await suggestions_for(conn, [kubernetes], limit=10))[kubernetes[0]]
    async with db.org_tx(org_b) as conn:
        seen_by_b = (await suggestions_for(conn, [kubernetes], limit=10))[kubernetes[0]]
        cur = await conn.execute("SELECT count(*) AS n FROM learning_resources WHERE org_id = %s", (org_a,))
        row = await cur.fetchone()
        assert row is not None and row["n"] == 0
    assert "Secret SRE handbook" in [s.title for s in seen_by_a]
    assert "Secret SRE handbook" not in [s.title for s in seen_by_b]
    assert any(s.provided_by == "built-in" for s in seen_by_b)
    # Nor can one organisation write rows into another's catalogue.
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        async with db.org_tx(org_b) as conn:
            await conn.execute(
                "INSERT INTO learning_resources (org_id, cluster, title, kind) VALUES (%s, 'data', 'x', 'book')",
                (org_a,),
            )


async def test_suggestions_prefer_own_then_skill_then_cluster(learning_orgs: Database) -> None:
    db = learning_orgs
    await import_resources(
        db,
        "learn-b",
        HEADER + "Data guild,,,data,mentoring,,Ask in #data\nSQL clinic,,SQL,,internal,2,\n",
    )
    sql, statistics = await _skill_id(db, "SQL"), await _skill_id(db, "Statistics")
    async with db.org_tx(await resolve_org(db, "learn-b")) as conn:
        found = await suggestions_for(conn, [sql, statistics], limit=3)
    assert [(s.title, s.provided_by, s.matched) for s in found[sql[0]][:3]] == [
        ("SQL clinic", "organisation", "skill"),
        ("Data guild", "organisation", "cluster"),
        ("PostgreSQL Tutorial: The SQL Language", "built-in", "skill"),
    ]
    assert [(s.provided_by, s.matched) for s in found[statistics[0]]] == [
        ("organisation", "cluster"),
        ("built-in", "skill"),
        ("built-in", "cluster"),
    ]


async def test_built_in_resources_come_in_the_order_the_file_lists_them(learning_orgs: Database) -> None:
    quality = await _skill_id(learning_orgs, "Data Quality")  # no resource of its own: its cluster's
    listed = [r["title"] for r in read_builtin_resources() if r.get("cluster") == quality[1]]
    # Rows re-added in reverse, as a database first loaded from an older file might hold them: the
    # order must come from the file, not from the ids.
    with learning_orgs.owner_connect() as owner, owner.transaction():
        rows = owner.execute(
            """DELETE FROM learning_resources WHERE org_id IS NULL AND cluster = %s
               RETURNING cluster, title, url, kind, hours, description""",
            (quality[1],),
        ).fetchall()
        for row in sorted(rows, key=lambda r: listed.index(r["title"]), reverse=True):
            owner.execute(
                """INSERT INTO learning_resources (org_id, cluster, title, url, kind, hours, description)
                   VALUES (NULL, %(cluster)s, %(title)s, %(url)s, %(kind)s, %(hours)s, %(description)s)""",
                row,
            )
    async with learning_orgs.org_tx(None) as conn:
        found = await suggestions_for(conn, [quality], limit=len(listed))
    assert [s.title for s in found[quality[0]]] == listed
