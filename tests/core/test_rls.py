"""Row-level security: proofs that one organisation's rows are invisible and unwritable to another,
with hand-written SQL on the application role's own connections."""

from uuid import UUID

import psycopg
import pytest

from hrm.core.db import Database
from hrm.core.identity import resolve_org

TENANT_TABLES = [
    "organizations", "people", "documents", "person_skills", "evidence", "job_descriptions",
    "conversations", "messages", "audit_log", "jobs",
]  # fmt: skip


async def test_every_table_with_org_id_has_forced_rls(db: Database) -> None:
    with db.owner_connect() as conn:
        rows = conn.execute(
            """SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'org_id' AND NOT a.attisdropped
               WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')"""
        ).fetchall()
    tables = {r["relname"] for r in rows}
    assert set(TENANT_TABLES) <= tables
    unprotected = [r["relname"] for r in rows if not (r["relrowsecurity"] and r["relforcerowsecurity"])]
    assert unprotected == []


async def test_app_role_owns_nothing_and_cannot_bypass(db: Database) -> None:
    async with db.org_tx(None) as conn:
        cur = await conn.execute(
            "SELECT current_user AS who, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        )
        me = await cur.fetchone()
        cur = await conn.execute(
            "SELECT count(*) AS n FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = user)"
        )
        owned = await cur.fetchone()
    assert me is not None and owned is not None
    assert me["who"] == "hrm_app" and not me["rolsuper"] and not me["rolbypassrls"]
    assert owned["n"] == 0


@pytest.mark.parametrize("table", TENANT_TABLES)
async def test_no_org_set_sees_nothing(db: Database, table: str) -> None:
    async with db.org_tx(None) as conn:
        cur = await conn.execute(f"SELECT count(*) AS n FROM {table}")
        row = await cur.fetchone()
    assert row is not None and row["n"] == 0


async def _org(db: Database, slug: str) -> UUID:
    return await resolve_org(db, slug)


async def test_org_scope_reads_only_its_rows(db: Database) -> None:
    acme, globex = await _org(db, "acme"), await _org(db, "globex")
    async with db.org_tx(acme) as conn:
        cur = await conn.execute("SELECT DISTINCT org_id FROM people")
        orgs = {r["org_id"] for r in await cur.fetchall()}
        cur = await conn.execute("SELECT count(*) AS n FROM people WHERE email = 'otto@globex.test'")
        otto = await cur.fetchone()
        cur = await conn.execute("SELECT count(*) AS n FROM person_skills WHERE org_id = %s", (globex,))
        foreign_skills = await cur.fetchone()
    assert orgs == {acme}
    assert otto is not None and otto["n"] == 0
    assert foreign_skills is not None and foreign_skills["n"] == 0


async def test_org_scope_cannot_write_other_org(db: Database) -> None:
    acme, globex = await _org(db, "acme"), await _org(db, "globex")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        async with db.org_tx(acme) as conn:
            await conn.execute(
                "INSERT INTO people (org_id, email, first_name, last_name) VALUES (%s, 'mole@globex.test', 'M', 'O')",
                (globex,),
            )
    async with db.org_tx(acme) as conn:
        cur = await conn.execute("UPDATE people SET job_title = 'pwned' WHERE org_id = %s", (globex,))
        assert cur.rowcount == 0
        cur = await conn.execute("DELETE FROM person_skills WHERE org_id = %s", (globex,))
        assert cur.rowcount == 0
        # Moving one's own row into another organisation is refused too.
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        async with db.org_tx(acme) as conn:
            await conn.execute("UPDATE people SET org_id = %s WHERE email = 'sam@acme.test'", (globex,))
    async with db.org_tx(globex) as conn:
        cur = await conn.execute("SELECT job_title FROM people WHERE email = 'otto@globex.test'")
        row = await cur.fetchone()
    assert row is not None and row["job_title"] == "Secret Project Lead"


async def test_scope_does_not_leak_across_pooled_transactions(db: Database) -> None:
    acme = await _org(db, "acme")
    async with db.org_tx(acme) as conn:
        cur = await conn.execute("SELECT count(*) AS n FROM people")
        row = await cur.fetchone()
        assert row is not None and row["n"] > 0
    for _ in range(5):  # every pooled connection, whichever is handed out
        async with db.org_tx(None) as conn:
            cur = await conn.execute("SELECT count(*) AS n FROM people")
            row = await cur.fetchone()
            assert row is not None and row["n"] == 0


async def test_audit_rows_cannot_be_rewritten(db: Database) -> None:
    acme = await _org(db, "acme")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        async with db.org_tx(acme) as conn:
            await conn.execute("DELETE FROM audit_log")


async def test_shared_taxonomy_is_read_only_to_the_app(db: Database) -> None:
    acme = await _org(db, "acme")
    async with db.org_tx(acme) as conn:
        cur = await conn.execute("UPDATE skills SET description = 'x' WHERE org_id IS NULL")
        assert cur.rowcount == 0
