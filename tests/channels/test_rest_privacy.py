"""Privacy routes: export, erase with confirmation, consent, and the admin audit, over HTTP."""

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from hrm.channels.rest.app import create_app
from hrm.core.db import Database
from hrm.core.identity import principal_by_email
from hrm.core.settings import Settings
from hrm.core.tokens import mint
from hrm.retrieval.embeddings import FakeEmbedder
from hrm.tools.org_import import import_org

ORG = "privrest"
PEOPLE = """email,first_name,last_name,job_title,department,manager_email,location,role,slack_user_id
boss@privrest.test,Bo,Sted,Operations Lead,Operations,,Oslo,admin,
hr@privrest.test,Hedda,Rask,HR Partner,People,boss@privrest.test,Oslo,hr,
lea@privrest.test,Lea,Moe,Data Engineer,Engineering,boss@privrest.test,Oslo,employee,
jon@privrest.test,Jon,Dahl,Data Engineer,Engineering,boss@privrest.test,Oslo,employee,
"""
BASE = f"/api/v2/organizations/{ORG}"


@pytest.fixture(scope="module")
async def client(settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    await import_org(db, ORG, name="Privacy REST", people_csv=PEOPLE)
    app: FastAPI = create_app(settings, embedder=FakeEmbedder())
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hrm.test") as http:
            yield http


async def auth(settings: Settings, db: Database, email: str, org: str = ORG) -> dict[str, str]:
    token = mint(settings.resolved_jwt_secret(), await principal_by_email(db, org, email), timedelta(minutes=5))
    return {"Authorization": f"Bearer {token}"}


async def test_consent_export_and_audit(client: httpx.AsyncClient, settings: Settings, db: Database) -> None:
    lea = await auth(settings, db, "lea@privrest.test")
    put = await client.put(f"{BASE}/employees/me/consents/cv", json={"granted": True}, headers=lea)
    assert put.status_code == 200, put.text
    assert any(c["source"] == "cv" and c["granted"] for c in put.json()["consents"])
    assert (
        await client.put(f"{BASE}/employees/me/consents/diary", json={"granted": True}, headers=lea)
    ).status_code == 422
    export = await client.get(f"{BASE}/employees/me/export", headers=lea)
    assert export.status_code == 200
    assert export.json()["person"]["email"] == "lea@privrest.test"
    assert [c["source"] for c in export.json()["sections"]["consents"]] == ["cv"]
    # Someone else's data: refused for an employee, allowed for HR.
    assert (await client.get(f"{BASE}/employees/jon@privrest.test/export", headers=lea)).status_code == 403
    hr = await auth(settings, db, "hr@privrest.test")
    seen = await client.get(f"{BASE}/employees/lea@privrest.test/consents", headers=hr)
    assert seen.status_code == 200 and seen.json()["person"] == "Lea Moe"
    # The audit is for admins; another organisation's admin is told it does not exist.
    assert (await client.get(f"{BASE}/audit", headers=hr)).status_code == 403
    assert (
        await client.get(f"{BASE}/audit", headers=await auth(settings, db, "ada@acme.test", "acme"))
    ).status_code == 404
    assert (await client.get(f"{BASE}/audit")).status_code == 401
    boss = await auth(settings, db, "boss@privrest.test")
    audit = await client.get(
        f"{BASE}/audit", params={"person": "lea@privrest.test", "tool": "set_consent"}, headers=boss
    )
    assert audit.status_code == 200
    assert audit.json()["total"] >= 1 and {e["tool"] for e in audit.json()["entries"]} == {"set_consent"}


async def test_erase_needs_confirmation(client: httpx.AsyncClient, settings: Settings, db: Database) -> None:
    jon = await auth(settings, db, "jon@privrest.test")
    missing = await client.request("DELETE", f"{BASE}/employees/me", headers=jon)
    assert missing.status_code == 422
    unconfirmed = await client.request("DELETE", f"{BASE}/employees/me", json={"confirm": False}, headers=jon)
    assert unconfirmed.status_code == 422 and "confirm" in unconfirmed.json()["error"]["message"]
    other = await client.request("DELETE", f"{BASE}/employees/lea@privrest.test", json={"confirm": True}, headers=jon)
    assert other.status_code == 403
    done = await client.request("DELETE", f"{BASE}/employees/me", json={"confirm": True}, headers=jon)
    assert done.status_code == 200 and done.json()["deleted"]["people"] == 1
    # The token's person no longer exists.
    assert (await client.get(f"{BASE}/employees/me/export", headers=jon)).status_code == 401
