from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from hrm.channels.rest.app import create_app
from hrm.core.db import Database
from hrm.core.settings import Settings
from hrm.core.tokens import mint
from hrm.retrieval.embeddings import FakeEmbedder
from tests.conftest import PrincipalFactory


@pytest.fixture(scope="module")
async def client(settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = create_app(settings, embedder=FakeEmbedder())
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hrm.test") as http:
            yield http


async def _auth(settings: Settings, as_person: PrincipalFactory, email: str) -> dict[str, str]:
    token = mint(settings.resolved_jwt_secret(), await as_person(email), timedelta(minutes=5))
    return {"Authorization": f"Bearer {token}"}


async def test_health_ready_and_docs(client: httpx.AsyncClient) -> None:
    assert (await client.get("/health")).json() == {"status": "ok"}
    assert (await client.get("/ready")).json() == {"status": "ready"}
    spec = (await client.get("/openapi.json")).json()
    assert "/api/v2/organizations/{org}/chat" in spec["paths"]
    assert (await client.get("/docs")).status_code == 200


async def test_a_valid_token_is_required(
    client: httpx.AsyncClient, settings: Settings, as_person: PrincipalFactory
) -> None:
    url = "/api/v2/organizations/acme/skills?q=python"
    assert (await client.get(url)).status_code == 401
    assert (await client.get(url, headers={"Authorization": "Bearer not-a-token"})).status_code == 401
    expired = mint(settings.resolved_jwt_secret(), await as_person("marta@acme.test"), timedelta(minutes=-1))
    assert (await client.get(url, headers={"Authorization": f"Bearer {expired}"})).status_code == 401
    forged = mint(
        "another-secret-of-sufficient-length-0123456789", await as_person("marta@acme.test"), timedelta(minutes=5)
    )
    assert (await client.get(url, headers={"Authorization": f"Bearer {forged}"})).status_code == 401


async def test_skill_search_with_paging(
    client: httpx.AsyncClient, settings: Settings, as_person: PrincipalFactory
) -> None:
    headers = await _auth(settings, as_person, "marta@acme.test")
    page = (await client.get("/api/v2/organizations/acme/skills?q=k8s&limit=3", headers=headers)).json()
    assert page["results"][0]["name"] == "Kubernetes" and len(page["results"]) <= 3
    bad = await client.get("/api/v2/organizations/acme/skills?q=k8s&limit=0", headers=headers)
    assert bad.status_code == 422


async def test_employee_skills_permissions(
    client: httpx.AsyncClient, settings: Settings, as_person: PrincipalFactory
) -> None:
    sam = await _auth(settings, as_person, "sam@acme.test")
    mike = await _auth(settings, as_person, "mike@acme.test")
    own = await client.get("/api/v2/organizations/acme/employees/me/skills", headers=sam)
    assert own.status_code == 200 and {s["name"] for s in own.json()["skills"]} == {"Negotiation", "Salesforce"}
    forbidden = await client.get("/api/v2/organizations/acme/employees/marta@acme.test/skills", headers=sam)
    assert forbidden.status_code == 403 and "Python" not in forbidden.text
    allowed = await client.get("/api/v2/organizations/acme/employees/marta@acme.test/skills", headers=mike)
    assert allowed.status_code == 200
    person_id = allowed.json()["person"]["id"]
    by_id = await client.get(f"/api/v2/organizations/acme/employees/{person_id}/skills", headers=mike)
    assert by_id.json()["person"]["email"] == "marta@acme.test"


async def test_other_organisations_are_404(
    client: httpx.AsyncClient, settings: Settings, as_person: PrincipalFactory
) -> None:
    ada = await _auth(settings, as_person, "ada@acme.test")
    other_org = await client.get("/api/v2/organizations/globex/skills?q=python", headers=ada)
    assert other_org.status_code == 404
    other_person = await client.get("/api/v2/organizations/acme/employees/otto@globex.test/skills", headers=ada)
    assert other_person.status_code == 404 and "Machine Learning" not in other_person.text


async def test_chat(client: httpx.AsyncClient, settings: Settings, as_person: PrincipalFactory) -> None:
    headers = await _auth(settings, as_person, "marta@acme.test")
    first = await client.post(
        "/api/v2/organizations/acme/chat", json={"message": "what skills do I have?"}, headers=headers
    )
    body = first.json()
    assert first.status_code == 200 and body["tool_calls"][0]["name"] == "get_profile" and "Python" in body["text"]
    follow = await client.post(
        "/api/v2/organizations/acme/chat",
        json={"message": "search skills for docker", "conversation_id": body["conversation_id"]},
        headers=headers,
    )
    assert follow.json()["conversation_id"] == body["conversation_id"]
    assert (
        await client.post("/api/v2/organizations/acme/chat", json={"message": ""}, headers=headers)
    ).status_code == 422
