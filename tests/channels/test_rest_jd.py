"""REST job-description routes: generate, refine over three turns, versions, export, errors."""

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from hrm.channels.rest.app import create_app
from hrm.channels.rest.routes_jd import router as jd_router
from hrm.core.db import Database
from hrm.core.settings import Settings
from hrm.core.tokens import mint
from hrm.retrieval.embeddings import FakeEmbedder
from tests.conftest import PrincipalFactory

BASE = "/api/v2/organizations/acme/jobs"


@pytest.fixture(scope="module")
async def client(settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = create_app(settings, embedder=FakeEmbedder())
    if not any(getattr(r, "path", "") == f"{jd_router.prefix}/generate" for r in app.routes):
        app.include_router(jd_router)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hrm.test") as http:
            yield http


async def _auth(settings: Settings, as_person: PrincipalFactory, email: str) -> dict[str, str]:
    token = mint(settings.resolved_jwt_secret(), await as_person(email), timedelta(minutes=5))
    return {"Authorization": f"Bearer {token}"}


async def test_generate_refine_three_turns_versions_and_export(
    client: httpx.AsyncClient, settings: Settings, as_person: PrincipalFactory
) -> None:
    headers = await _auth(settings, as_person, "hana@acme.test")
    body = {"title": "data engineer", "level": "senior", "location": "Berlin", "key_requirements": "Terraform"}
    created = await client.post(f"{BASE}/generate", json=body, headers=headers)
    assert created.status_code == 200, created.text
    data = created.json()
    assert data["job_description"]["title"] == "Senior Data Engineer" and data["version"] == 1
    assert {s["name"] for s in data["skills_breakdown"]} >= {"Python", "SQL", "Terraform"}
    assert "demand" in data["market_insights"] and data["inclusive"]["flags"] is not None
    jd_id = data["jd_id"]

    turns = ["make it more senior", "add Kubernetes as essential", "shorter"]
    for n, instruction in enumerate(turns, start=2):
        out = await client.post(f"{BASE}/{jd_id}/refine", json={"instruction": instruction}, headers=headers)
        assert out.status_code == 200, out.text
        assert out.json()["version"] == n and out.json()["changes"] and out.json()["diff"]
    last = out.json()["job_description"]
    assert last["level"] == "lead" and last["length"] == "short"
    assert any(s["name"] == "Kubernetes" and s["importance"] == "essential" for s in last["skills"])

    listed = (await client.get(f"{BASE}/{jd_id}/versions", headers=headers)).json()
    assert [v["version"] for v in listed["versions"]] == [1, 2, 3, 4]

    md = await client.get(f"{BASE}/{jd_id}/export?format=markdown&version=1", headers=headers)
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert md.text.startswith("# Senior Data Engineer") and md.headers["x-jd-version"] == "1"
    html = await client.get(f"{BASE}/{jd_id}/export?format=html", headers=headers)
    assert (
        "<h1>Lead Data Engineer</h1>" in html.text
        and 'filename="lead-data-engineer-v4.html"' in html.headers["content-disposition"]
    )
    js = await client.get(f"{BASE}/{jd_id}/export?format=json", headers=headers)
    assert js.json()["level"] == "lead"


async def test_errors_map_to_statuses(
    client: httpx.AsyncClient, settings: Settings, as_person: PrincipalFactory
) -> None:
    hr = await _auth(settings, as_person, "hana@acme.test")
    employee = await _auth(settings, as_person, "marta@acme.test")
    other = await _auth(settings, as_person, "gina@globex.test")
    assert (await client.post(f"{BASE}/generate", json={"title": "Data Engineer"}, headers=employee)).status_code == 403
    assert (await client.post(f"{BASE}/generate", json={"title": ""}, headers=hr)).status_code == 422
    assert (await client.post(f"{BASE}/generate", json={"title": "Data Engineer"}, headers=other)).status_code == 404
    jd_id = (await client.post(f"{BASE}/generate", json={"title": "Data Engineer"}, headers=hr)).json()["jd_id"]
    declined = await client.post(f"{BASE}/{jd_id}/refine", json={"instruction": "translate to German"}, headers=hr)
    assert declined.status_code == 422 and "translate" in declined.json()["error"]["message"]
    globex = f"/api/v2/organizations/globex/jobs/{jd_id}/versions"
    assert (await client.get(globex, headers=other)).status_code == 404
    bad = await client.get(f"{BASE}/{jd_id}/export?format=pdf", headers=hr)
    assert bad.status_code == 422
