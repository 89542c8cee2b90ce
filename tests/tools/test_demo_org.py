import csv
import io

from hrm.core.db import Database
from hrm.core.identity import resolve_org
from hrm.retrieval.builtin_taxonomy import read_builtin
from hrm.tools.demo_org import build_demo
from hrm.tools.org_import import import_org


def test_demo_is_deterministic_and_shaped_like_an_org() -> None:
    first, second = build_demo(read_builtin()), build_demo(read_builtin())
    assert first == second
    people = list(csv.DictReader(io.StringIO(first.people)))
    assert len(people) >= 40
    assert len({p["department"] for p in people} - {"Leadership"}) >= 4
    roles = {p["role"] for p in people}
    assert {"employee", "manager", "hr", "admin"} <= roles
    skills = list(csv.DictReader(io.StringIO(first.skills)))
    assert len({s["email"] for s in skills}) >= 35
    assert set(first.emails_to_try) >= {"employee", "manager", "hr", "admin"}


async def test_demo_imports_through_the_real_importer(db: Database) -> None:
    demo = build_demo(read_builtin())
    report = await import_org(db, "demo-check", people_csv=demo.people, skills_csv=demo.skills)
    assert report.people_created >= 40 and report.skills_set > 100
    org = await resolve_org(db, "demo-check")
    async with db.org_tx(org) as conn:
        cur = await conn.execute("SELECT count(*) AS n FROM people WHERE manager_id IS NULL")
        roots = await cur.fetchone()
    assert roots is not None and roots["n"] == 1
