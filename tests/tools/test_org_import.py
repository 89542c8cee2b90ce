import pytest

from hrm.core.db import Database
from hrm.core.identity import resolve_org
from hrm.tools.org_import import ImportRejected, import_org
from tests.conftest import fixture_text

HEADER = "email,first_name,last_name,job_title,department,manager_email,location,role,slack_user_id\n"


async def _count_people(db: Database, slug: str) -> int:
    org = await resolve_org(db, slug)
    async with db.org_tx(org) as conn:
        cur = await conn.execute("SELECT count(*) AS n FROM people")
        row = await cur.fetchone()
    return int(row["n"]) if row else 0


async def test_bad_rows_are_reported_by_line_and_nothing_is_written(db: Database) -> None:
    people = HEADER + (
        "ok@new.test,Ok,Person,,,,,employee,\n"
        "not-an-email,Bad,Email,,,,,employee,\n"
        "ok@new.test,Dup,Licate,,,,,employee,\n"
        "x@new.test,X,Y,,,nobody@new.test,,employee,\n"
        "z@new.test,Z,W,,,,,superuser,\n"
    )
    skills = "email,skill,level,source\nok@new.test,Python,7,self\nok@new.test,Underwater Basket Weaving,2,self\n"
    with pytest.raises(ImportRejected) as caught:
        await import_org(db, "newco", people_csv=people, skills_csv=skills)
    lines = {(e.file, e.line) for e in caught.value.errors}
    assert {("people", 3), ("people", 4), ("people", 5), ("people", 6), ("skills", 2), ("skills", 3)} <= lines
    assert "Underwater Basket Weaving" in caught.value.message
    with db.owner_connect() as conn:
        row = conn.execute("SELECT hrm_resolve_org('newco') AS id").fetchone()
    assert row is not None and row["id"] is None


async def test_wrong_columns_are_named(db: Database) -> None:
    with pytest.raises(ImportRejected, match=r"missing column.*last_name.*unknown column.*surname"):
        await import_org(db, "newco", people_csv="email,first_name,surname\na@b.test,A,B\n")


async def test_reimport_updates_instead_of_duplicating(db: Database) -> None:
    before = await _count_people(db, "acme")
    people = fixture_text("acme_people.csv").replace(
        "Senior Software Engineer,Engineering,mike", "Staff Engineer,Engineering,mike"
    )
    report = await import_org(
        db,
        "acme",
        people_csv=people,
        skills_csv=fixture_text("acme_skills.csv"),
        roles_csv=fixture_text("acme_roles.csv"),
    )
    assert report.people_created == 0 and report.people_updated == before
    assert report.roles_created == 0 and report.roles_updated == 2
    assert await _count_people(db, "acme") == before
    org = await resolve_org(db, "acme")
    async with db.org_tx(org) as conn:
        cur = await conn.execute("SELECT job_title FROM people WHERE email = 'marta@acme.test'")
        row = await cur.fetchone()
        cur = await conn.execute(
            "SELECT count(*) AS n FROM person_skills ps JOIN people p ON p.id = ps.person_id "
            "WHERE p.email = 'marta@acme.test'"
        )
        skills = await cur.fetchone()
    assert row is not None and row["job_title"] == "Staff Engineer"
    assert skills is not None and skills["n"] == 3
    await import_org(db, "acme", people_csv=fixture_text("acme_people.csv"))  # restore


async def test_skill_names_resolve_through_aliases_and_spelling(db: Database) -> None:
    org = await resolve_org(db, "acme")
    async with db.org_tx(org) as conn:
        cur = await conn.execute(
            """SELECT s.name FROM person_skills ps JOIN skills s ON s.id = ps.skill_id
               JOIN people p ON p.id = ps.person_id WHERE p.email = 'marta@acme.test' ORDER BY s.name"""
        )
        names = [r["name"] for r in await cur.fetchall()]
    assert names == ["Kubernetes", "PostgreSQL", "Python"]  # from "k8s" and "postgres"


async def test_unknown_skills_can_be_created_for_the_org_only(db: Database) -> None:
    people = HEADER + "wes@initech.test,Wes,Tern,,,,,employee,\n"
    skills = "email,skill,level,source\nwes@initech.test,TPS Report Writing,3,self\n"
    with pytest.raises(ImportRejected, match="unknown skill 'TPS Report Writing'"):
        await import_org(db, "initech", people_csv=people, skills_csv=skills)
    report = await import_org(db, "initech", people_csv=people, skills_csv=skills, create_unknown_skills=True)
    assert report.created_skills == ["TPS Report Writing"]
    initech, acme = await resolve_org(db, "initech"), await resolve_org(db, "acme")
    async with db.org_tx(initech) as conn:
        cur = await conn.execute("SELECT count(*) AS n FROM skills WHERE name = 'TPS Report Writing'")
        mine = await cur.fetchone()
    async with db.org_tx(acme) as conn:
        cur = await conn.execute("SELECT count(*) AS n FROM skills WHERE name = 'TPS Report Writing'")
        theirs = await cur.fetchone()
    assert mine is not None and mine["n"] == 1
    assert theirs is not None and theirs["n"] == 0


async def test_reporting_cycles_are_refused(db: Database) -> None:
    people = HEADER + "a@loop.test,A,A,,,b@loop.test,,employee,\nb@loop.test,B,B,,,a@loop.test,,manager,\n"
    with pytest.raises(ImportRejected, match="reporting cycle"):
        await import_org(db, "loop", people_csv=people)
