"""Privacy rights against the real database: consent before inference, export, erasure with a
pseudonymised audit, retention, the append-only audit log and the admin audit query."""

from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import psycopg
import pytest

import hrm.tools.oversight
import hrm.tools.privacy
import hrm.tools.retention  # noqa: F401  (registers the tools)
from hrm.agent.service import Agent
from hrm.core.db import Database
from hrm.core.errors import InvalidInput, NotFound, PermissionDenied
from hrm.core.identity import principal_by_email
from hrm.core.principals import Principal
from hrm.tools import registry
from hrm.tools.consent import ListConsentsOutput, SetConsentOutput
from hrm.tools.context import Deps
from hrm.tools.infer import InferSkillsOutput
from hrm.tools.org_import import import_org
from hrm.tools.oversight import QueryAuditOutput
from hrm.tools.privacy import EraseMyDataOutput, ExportMyDataOutput
from hrm.tools.retention import RetentionResult, run_retention

PEOPLE = """email,first_name,last_name,job_title,department,manager_email,location,role,slack_user_id
{p}-admin@{p}.test,Alma,Admin,Head of Operations,Operations,,Rome,admin,U{P}ADMIN
{p}-hr@{p}.test,Hugo,Resources,HR Partner,People,{p}-admin@{p}.test,Rome,hr,U{P}HR
{p}-boss@{p}.test,Bea,Boss,Engineering Manager,Engineering,{p}-admin@{p}.test,Rome,manager,U{P}BOSS
{p}-ola@{p}.test,Ola,Quintero,Data Engineer,Engineering,{p}-boss@{p}.test,Rome,employee,U{P}OLA
{p}-tom@{p}.test,Tom,Vance,Software Engineer,Engineering,{p}-boss@{p}.test,Rome,employee,U{P}TOM
{p}-zed@{p}.test,Zed,Ward,Software Engineer,Engineering,{p}-boss@{p}.test,Rome,employee,
"""
SKILLS = """email,skill,level,source
{p}-ola@{p}.test,Python,4,self
{p}-ola@{p}.test,SQL,3,manager
{p}-tom@{p}.test,Python,2,self
{p}-zed@{p}.test,Docker,3,self
"""
CV = """Experience
Data Engineer — 2020 – Present
- Built batch pipelines in Python and SQL on PostgreSQL, deployed with Docker and Kubernetes.
Skills: Python, SQL, PostgreSQL, Docker
"""


@pytest.fixture(scope="module")
async def orgs(db: Database) -> AsyncIterator[tuple[str, str]]:
    for slug in ("privtool-a", "privtool-b"):
        p = slug.split("-")[1]
        await import_org(db, slug, name=slug, people_csv=PEOPLE.format(p=p, P=p.upper()), skills_csv=SKILLS.format(p=p))
    yield "privtool-a", "privtool-b"


def email(org: str, who: str) -> str:
    p = org.split("-")[1]
    return f"{p}-{who}@{p}.test"


async def person(db: Database, org: str, who: str) -> Principal:
    return await principal_by_email(db, org, email(org, who))


async def call(deps: Deps, principal: Principal, tool: str, args: dict[str, Any]) -> Any:
    return await registry.call(tool, args, principal, deps, channel="test")


def owner_rows(db: Database, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    with db.owner_connect() as conn:
        return list(conn.execute(sql, params).fetchall())


def org_id(db: Database, slug: str) -> UUID:
    rows = owner_rows(db, "SELECT id FROM organizations WHERE slug = %s", (slug,))
    value: UUID = rows[0]["id"]
    return value


def tenant_tables(db: Database) -> list[str]:
    rows = owner_rows(
        db,
        """SELECT c.table_name FROM information_schema.columns c
           JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema
           WHERE c.table_schema = 'public' AND c.column_name = 'org_id' AND t.table_type = 'BASE TABLE'
           ORDER BY 1""",
    )
    return [r["table_name"] for r in rows]


def org_counts(db: Database, slug: str) -> dict[str, int]:
    oid = org_id(db, slug)
    return {
        t: int(owner_rows(db, f"SELECT count(*) AS n FROM {t} WHERE org_id = %s", (oid,))[0]["n"])
        for t in tenant_tables(db)
    }


async def test_inference_about_someone_else_needs_their_recorded_consent(
    deps: Deps, db: Database, orgs: tuple[str, str]
) -> None:
    org = orgs[0]
    hr, tom = await person(db, org, "hr"), await person(db, org, "tom")
    before = org_counts(db, org)
    request = {"documents": [{"file": "tom.txt", "source": "cv", "text": CV}], "save_for": email(org, "tom")}
    with pytest.raises(PermissionDenied) as refused:
        await call(deps, hr, "infer_skills", request)
    assert "Tom Vance has not consented to their cv" in refused.value.message
    assert "stored nothing" in refused.value.message
    after = org_counts(db, org)
    # Nothing was stored: only the audit row of the refused call is new.
    assert {t: n for t, n in after.items() if t != "audit_log"} == {t: n for t, n in before.items() if t != "audit_log"}
    assert after["audit_log"] == before["audit_log"] + 1

    granted = await call(deps, tom, "set_consent", {"source": "cv", "granted": True})
    assert isinstance(granted, SetConsentOutput)
    assert {c.source: c.granted for c in granted.consents} == {
        "cv": True, "github": False, "linkedin": False, "project": False, "review": False,
    }  # fmt: skip
    out = await call(deps, hr, "infer_skills", request)
    assert isinstance(out, InferSkillsOutput) and out.saved_for == "Tom Vance"
    # Consent is per source: GitHub is still refused.
    github = {"documents": [{"file": "gh.json", "source": "github", "text": CV}], "save_for": email(org, "tom")}
    with pytest.raises(PermissionDenied, match="github"):
        await call(deps, hr, "infer_skills", github)
    # Only the person changes their own consent; HR sees it.
    seen = await call(deps, hr, "list_consents", {"person": email(org, "tom")})
    assert isinstance(seen, ListConsentsOutput) and seen.consents[0].method == "explicit"
    with pytest.raises(PermissionDenied):
        await call(deps, await person(db, org, "zed"), "list_consents", {"person": email(org, "tom")})


async def test_own_upload_is_recorded_consent_and_withdrawal_removes_documents(
    deps: Deps, db: Database, orgs: tuple[str, str]
) -> None:
    org = orgs[0]
    zed = await person(db, org, "zed")
    await call(
        deps, zed, "infer_skills",
        {"documents": [{"file": "zed.txt", "source": "linkedin", "text": CV}], "save_for": "me"},
    )  # fmt: skip
    consents = await call(deps, zed, "list_consents", {})
    linkedin = next(c for c in consents.consents if c.source == "linkedin")
    assert linkedin.granted and linkedin.method == "self_upload"
    docs = owner_rows(db, "SELECT id FROM documents WHERE person_id = %s AND source = 'linkedin'", (zed.person_id,))
    assert docs
    withdrawn = await call(deps, zed, "set_consent", {"source": "linkedin", "granted": False})
    assert withdrawn.documents_deleted == len(docs)
    assert not owner_rows(db, "SELECT 1 FROM documents WHERE person_id = %s", (zed.person_id,))
    assert not owner_rows(
        db, "SELECT 1 FROM evidence e JOIN person_skills ps ON ps.id = e.person_skill_id WHERE ps.person_id = %s",
        (zed.person_id,),
    )  # fmt: skip


async def _give_ola_history(deps: Deps, db: Database, org: str) -> Principal:
    ola = await person(db, org, "ola")
    await call(deps, ola, "infer_skills", {"documents": [{"file": "ola.txt", "text": CV}], "save_for": "me"})
    await call(deps, ola, "update_skill", {"skill": "Python", "action": "self_assess", "level": 5})
    agent = Agent(deps, registry)
    await agent.ask(ola, "what skills do I have?", channel="test")
    boss = await person(db, org, "boss")
    await call(deps, boss, "get_profile", {"person": email(org, "ola")})
    await call(deps, boss, "get_profile", {"person": "Ola Quintero"})
    await agent.ask(boss, "who could cover for Ola Quintero?", channel="test")
    return ola


async def test_export_holds_everything_the_owner_side_sees(deps: Deps, db: Database, orgs: tuple[str, str]) -> None:
    org = orgs[1]
    ola = await _give_ola_history(deps, db, org)
    out = await call(deps, ola, "export_my_data", {})
    assert isinstance(out, ExportMyDataOutput)
    assert out.person["email"] == email(org, "ola") and out.person["manager"] == "Bea Boss"
    pid = ola.person_id
    direct = {
        "skills": "SELECT id::text FROM person_skills WHERE person_id = %s",
        "evidence": "SELECT e.id::text FROM evidence e JOIN person_skills ps ON ps.id = e.person_skill_id "
        "WHERE ps.person_id = %s",
        "documents": "SELECT id::text FROM documents WHERE person_id = %s",
        "consents": "SELECT source AS id FROM consents WHERE person_id = %s",
        "conversations": "SELECT id FROM conversations WHERE person_id = %s",
        "audit": "SELECT id FROM audit_log WHERE actor_id = %s",
    }
    for section, sql in direct.items():
        expected = {str(r["id"]) for r in owner_rows(db, sql, (pid,))}
        key = "source" if section == "consents" else "id"
        got = {str(r[key]) for r in out.sections[section]}
        # The export's own audit row is written after it returns.
        assert expected and (got == expected or (section == "audit" and got <= expected)), section
    messages = owner_rows(
        db, "SELECT m.id FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.person_id = %s",
        (pid,),
    )  # fmt: skip
    exported = [m["id"] for c in out.sections["conversations"] for m in c["messages"]]
    assert sorted(exported) == sorted(r["id"] for r in messages) and exported
    assert {d["text"] for d in out.sections["documents"]} == {CV}
    # Someone else's export is for HR and admins only.
    with pytest.raises(PermissionDenied):
        await call(deps, await person(db, org, "boss"), "export_my_data", {"person": email(org, "ola")})
    hr_view = await call(deps, await person(db, org, "hr"), "export_my_data", {"person": email(org, "ola")})
    assert hr_view.person["id"] == str(pid)


async def test_erasure_leaves_nothing_and_pseudonymises_the_audit(
    deps: Deps, db: Database, orgs: tuple[str, str]
) -> None:
    org, other = orgs
    ola = await _give_ola_history(deps, db, org)
    pid, mail = ola.person_id, ola.email
    oid = org_id(db, org)
    audit_before = {r["id"]: r for r in owner_rows(db, "SELECT * FROM audit_log WHERE org_id = %s", (oid,))}
    theirs = {i for i, r in audit_before.items() if r["actor_id"] == pid}
    assert theirs
    mentioning = {i for i, r in audit_before.items() if r["actor_id"] != pid and mail in str(r["args"])}
    assert mentioning
    other_before = org_counts(db, other)

    with pytest.raises(InvalidInput, match="confirm"):
        await call(deps, ola, "erase_my_data", {"confirm": False})
    with pytest.raises(PermissionDenied):
        await call(deps, await person(db, org, "boss"), "erase_my_data", {"confirm": True, "person": mail})
    out = await call(deps, ola, "erase_my_data", {"confirm": True})
    assert isinstance(out, EraseMyDataOutput) and out.erased and out.pseudonym
    assert out.deleted["documents"] >= 1 and out.deleted["conversations"] >= 1 and out.deleted["skills"] >= 3

    # Every column of every tenant table, checked for the id, the email and the full name.
    for table in tenant_tables(db):
        hits = owner_rows(
            db,
            f"""SELECT count(*) AS n FROM {table} t WHERE org_id = %s
                AND (t::text ILIKE %s OR t::text ILIKE %s OR t::text ILIKE %s)""",
            (oid, f"%{pid}%", f"%{mail}%", "%Ola Quintero%"),
        )
        assert hits[0]["n"] == 0, table
    # And every column that references people, found through the catalogue.
    refs = owner_rows(
        db,
        """SELECT c.conrelid::regclass::text AS tbl, a.attname AS col FROM pg_constraint c
           JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
           WHERE c.contype = 'f' AND c.confrelid = 'people'::regclass""",
    )
    assert len(refs) >= 8
    for ref in refs:
        assert not owner_rows(db, f"SELECT 1 FROM {ref['tbl']} WHERE {ref['col']} = %s", (pid,)), ref

    audit_after = {r["id"]: r for r in owner_rows(db, "SELECT * FROM audit_log WHERE org_id = %s", (oid,))}
    assert set(audit_before) <= set(audit_after)  # nothing removed
    assert len(audit_after) == len(audit_before) + 3  # two refused erase calls and the successful one
    for i in theirs:
        row = audit_after[i]
        assert row["actor_id"] is None and row["actor_pseudonym"] == out.pseudonym
        assert row["tool"] == audit_before[i]["tool"] and row["result_sha256"] == audit_before[i]["result_sha256"]
    for i in mentioning:
        assert out.pseudonym in str(audit_after[i]["args"]) and audit_after[i]["actor_id"] is not None
    # The erase call's own audit row, written after the person was gone, is pseudonymised too.
    newest = max(audit_after.values(), key=lambda r: r["id"])
    assert newest["tool"] == "erase_my_data" and newest["ok"] and newest["actor_pseudonym"] == out.pseudonym
    # The other organisation is untouched.
    assert org_counts(db, other) == other_before


async def test_hr_erases_on_request_and_managers_cannot(deps: Deps, db: Database, orgs: tuple[str, str]) -> None:
    org = orgs[1]
    tom_email = email(org, "tom")
    with pytest.raises(PermissionDenied):
        await call(deps, await person(db, org, "zed"), "erase_my_data", {"confirm": True, "person": tom_email})
    # Another organisation's admin cannot even find them.
    with pytest.raises(NotFound):
        await call(
            deps, await person(db, "privtool-a", "admin"), "erase_my_data", {"confirm": True, "person": tom_email}
        )
    hr = await person(db, org, "hr")
    out = await call(deps, hr, "erase_my_data", {"confirm": True, "person": tom_email})
    assert out.deleted["people"] == 1
    assert not owner_rows(db, "SELECT 1 FROM people WHERE email = %s", (tom_email,))
    # The HR call's audit row named Tom by email: stored with his pseudonym instead.
    last = owner_rows(db, "SELECT * FROM audit_log WHERE actor_id = %s ORDER BY id DESC LIMIT 1", (hr.person_id,))
    assert last[0]["tool"] == "erase_my_data" and tom_email not in str(last[0]["args"])
    assert str(last[0]["args"]["person"]).startswith("erased-")


async def test_retention_deletes_only_old_documents(deps: Deps, db: Database, orgs: tuple[str, str]) -> None:
    org, other = orgs
    admin, tom = await person(db, org, "admin"), await person(db, org, "tom")
    await call(deps, tom, "infer_skills", {"documents": [{"file": "old.txt", "text": CV}], "save_for": "me"})
    await call(deps, tom, "infer_skills", {"documents": [{"file": "new.txt", "text": CV}], "save_for": "me"})
    with db.owner_connect() as conn:
        conn.execute(
            "UPDATE documents SET created_at = now() - interval '400 days' "
            "WHERE person_id = %s AND filename = 'old.txt'",
            (tom.person_id,),
        )
        # An equally old document in the other organisation must survive this organisation's run.
        conn.execute(
            "UPDATE documents SET created_at = now() - interval '400 days' WHERE org_id = %s", (org_id(db, other),)
        )
    with pytest.raises(PermissionDenied):
        await call(deps, tom, "apply_retention", {})
    other_docs = org_counts(db, other)["documents"]
    dry = await call(deps, admin, "apply_retention", {"dry_run": True})
    assert isinstance(dry, RetentionResult) and dry.documents_deleted >= 1 and dry.days == 365
    assert owner_rows(db, "SELECT 1 FROM documents WHERE filename = 'old.txt' AND person_id = %s", (tom.person_id,))
    done = await call(deps, admin, "apply_retention", {})
    assert done.documents_deleted == dry.documents_deleted
    rows = owner_rows(db, "SELECT filename FROM documents WHERE person_id = %s", (tom.person_id,))
    names = {r["filename"] for r in rows}
    assert "old.txt" not in names and {"new.txt", "tom.txt"} <= names
    assert org_counts(db, other)["documents"] == other_docs > 0
    # The sweep: nothing more here; in the other organisation, its old documents.
    here = await run_retention(db, deps.clock(), org=org_id(db, org))
    assert [r.documents_deleted for r in here] == [0]
    there = await run_retention(db, deps.clock(), org=org_id(db, other), dry_run=True)
    assert [(r.org, r.documents_deleted) for r in there] == [(other, other_docs)]


async def test_audit_log_is_append_only(db: Database, deps: Deps, orgs: tuple[str, str]) -> None:
    oid = org_id(db, orgs[0])
    async with db.org_tx(oid) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            await conn.execute("UPDATE audit_log SET tool = 'x'")
    with db.owner_connect() as conn, pytest.raises(psycopg.errors.RaiseException, match="append-only"):
        conn.execute("UPDATE audit_log SET tool = 'rewritten' WHERE org_id = %s", (oid,))


async def test_admins_query_the_audit(deps: Deps, db: Database, orgs: tuple[str, str]) -> None:
    org = orgs[0]
    admin, zed = await person(db, org, "admin"), await person(db, org, "zed")
    await call(deps, zed, "get_profile", {})
    out = await call(deps, admin, "query_audit", {"person": zed.email, "tool": "get_profile", "limit": 5})
    assert isinstance(out, QueryAuditOutput) and out.entries
    assert all(e.actor == zed.email and e.tool == "get_profile" and e.result_sha256 for e in out.entries)
    with pytest.raises(PermissionDenied):
        await call(deps, zed, "query_audit", {})
