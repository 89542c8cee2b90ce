"""REST routes for matching, gaps, career paths and team skills, on a small organisation of their own:
each route answers what its tool answers, refuses what the tool refuses, and keeps other
organisations out."""

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from hrm.channels.rest.app import create_app
from hrm.core.db import Database
from hrm.core.settings import Settings
from hrm.core.tokens import mint
from hrm.retrieval.embeddings import FakeEmbedder
from hrm.tools import registry
from hrm.tools.context import Deps
from hrm.tools.org_import import import_org
from tests.conftest import PrincipalFactory
from tests.matching_org import matching_csvs

ORG = "restmatch"  # the people's email domain, so the shared `as_person` finds them
BASE = f"/api/v2/organizations/{ORG}"

PEOPLE, SKILLS, ROLES = matching_csvs(ORG)


@pytest.fixture(scope="module")
async def client(settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    await import_org(db, ORG, name="REST Matching", people_csv=PEOPLE, skills_csv=SKILLS, roles_csv=ROLES)
    app: FastAPI = create_app(settings, embedder=FakeEmbedder())
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hrm.test") as http:
            yield http


Auth = Callable[[str], Awaitable[dict[str, str]]]
Tool = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def headers(settings: Settings, as_person: PrincipalFactory) -> Auth:
    async def make(email: str) -> dict[str, str]:
        token = mint(settings.resolved_jwt_secret(), await as_person(email), timedelta(minutes=5))
        return {"Authorization": f"Bearer {token}"}

    return make


@pytest.fixture
def tool(deps: Deps, as_person: PrincipalFactory) -> Tool:
    """What the tool itself answers, to hold each route to being a thin adapter."""

    async def call(caller: str, name: str, **args: object) -> dict[str, Any]:
        out = await registry.call(name, args, await as_person(caller), deps, channel="test")
        return out.model_dump(mode="json")

    return call


def _error(response: httpx.Response) -> str:
    body = response.json()
    return str(body["error"]["message"] if "error" in body else body["detail"])


# jobs/match ---------------------------------------------------------------------------------------


async def test_jobs_match_answers_match_roles_and_echoes_what_it_could_not_use(
    client: httpx.AsyncClient, headers: Auth, tool: Tool
) -> None:
    seed = {
        "user_id": "me",
        "preferences": {
            "location": "remote",
            "salary_range": {"min": 60000, "max": 90000},
            "job_type": "full_time",
            "relocation": True,
        },
    }
    got = await client.post(f"{BASE}/jobs/match", json=seed, headers=await headers("dana@restmatch.test"))
    assert got.status_code == 200, got.text
    body = got.json()
    ignored = {i["preference"]: i for i in body.pop("ignored_preferences")}
    assert body == await tool("dana@restmatch.test", "match_roles")
    assert body["person"]["email"] == "dana@restmatch.test" and body["matches"]
    assert set(ignored) == {"location", "salary_range", "job_type", "relocation"}
    assert ignored["salary_range"]["value"] == {"min": 60000, "max": 90000}
    assert ignored["location"]["value"] == "remote" and ignored["job_type"]["value"] == "full_time"
    assert ignored["relocation"]["value"] is True
    assert all(i["reason"] for i in ignored.values())


async def test_jobs_match_uses_departments_limit_and_another_persons_id(
    client: httpx.AsyncClient, headers: Auth, tool: Tool
) -> None:
    body = {"user_id": "omar@restmatch.test", "preferences": {"departments": ["Data"]}, "limit": 2}
    got = await client.post(f"{BASE}/jobs/match", json=body, headers=await headers("boss@restmatch.test"))
    assert got.status_code == 200, got.text
    out = got.json()
    assert out.pop("ignored_preferences") == []
    expected = await tool(
        "boss@restmatch.test", "match_roles", person="omar@restmatch.test", departments=["Data"], limit=2
    )
    assert out == expected and len(out["matches"]) == 2 and out["person"]["name"] == "Omar Haddad"
    # the departments preference is the area the scorer weighs, so its words explain the context part
    assert any(m["score"]["context"] > 0 for m in out["matches"])
    for match in out["matches"]:
        assert ("in your preferred area" in match["explanation"]) == (match["score"]["context"] > 0)
        assert "current area" not in match["explanation"]


async def test_jobs_match_refusals_and_bad_bodies(client: httpx.AsyncClient, headers: Auth) -> None:
    zoe = await headers("zoe@restmatch.test")
    other = await client.post(f"{BASE}/jobs/match", json={"user_id": "dana@restmatch.test"}, headers=zoe)
    assert other.status_code == 403 and "Python" not in other.text
    for bad in (
        {"limit": 0},
        {"preferences": {"salary_range": {"min": 90000, "max": 60000}}},
        {"catalogue": "monster"},
        {"preferences": {"departments": "Data"}},
    ):
        response = await client.post(f"{BASE}/jobs/match", json=bad, headers=zoe)
        assert response.status_code == 422, bad
    assert "salary_range" in _error(
        await client.post(
            f"{BASE}/jobs/match", json={"preferences": {"salary_range": {"min": 2, "max": 1}}}, headers=zoe
        )
    )


# roles/candidates ---------------------------------------------------------------------------------


async def test_candidates_rank_people_for_a_role(client: httpx.AsyncClient, headers: Auth, tool: Tool) -> None:
    url = f"{BASE}/roles/candidates?role=Senior Data Engineer&location=Lisbon&remote_ok=true&limit=3"
    got = await client.get(url, headers=await headers("hr@restmatch.test"))
    assert got.status_code == 200, got.text
    out = got.json()
    expected = await tool(
        "hr@restmatch.test", "find_candidates", role="Senior Data Engineer", location="Lisbon",
        remote_ok=True, limit=3,
    )  # fmt: skip
    assert out == expected
    assert out["candidates"][0]["person"]["name"] == "Dana Ito" and len(out["candidates"]) == 3
    assert out["pool"] == 5


async def test_candidates_refusals(client: httpx.AsyncClient, headers: Auth) -> None:
    hr = await headers("hr@restmatch.test")
    employee = await client.get(
        f"{BASE}/roles/candidates?role=Senior Data Engineer", headers=await headers("dana@restmatch.test")
    )
    assert employee.status_code == 403 and employee.json()["error"]["code"] == "permission_denied"
    unknown = await client.get(f"{BASE}/roles/candidates?role=Qzxv Plorbt", headers=hr)
    assert unknown.status_code == 404 and "Qzxv Plorbt" in _error(unknown)
    for query in ("", "?role=Senior Data Engineer&limit=0", "?role=Senior Data Engineer&remote_ok=perhaps"):
        assert (await client.get(f"{BASE}/roles/candidates{query}", headers=hr)).status_code == 422, query


# employees/{id}/gap -------------------------------------------------------------------------------


async def test_gap_for_oneself_and_for_a_report(client: httpx.AsyncClient, headers: Auth, tool: Tool) -> None:
    own = await client.get(
        f"{BASE}/employees/me/gap?role=Senior Data Engineer", headers=await headers("omar@restmatch.test")
    )
    assert own.status_code == 200, own.text
    body = own.json()
    assert body == await tool("omar@restmatch.test", "analyze_gap", role="Senior Data Engineer")
    assert body["person"]["is_self"] and body["role"]["title"] == "Senior Data Engineer"
    assert [g["priority"] for g in body["gaps"]] == list(range(1, len(body["gaps"]) + 1))
    python = next(g for g in body["gaps"] if g["skill"] == "Python")
    assert (python["current_level"], python["required_level"]) == (2, 4)

    report = await client.get(
        f"{BASE}/employees/dana@restmatch.test/gap?role=DE-SR", headers=await headers("boss@restmatch.test")
    )
    assert report.status_code == 200 and not report.json()["person"]["is_self"]
    assert report.json()["readiness"]["essential_met"] == 3


async def test_gap_refusals(client: httpx.AsyncClient, headers: Auth) -> None:
    omar = await headers("omar@restmatch.test")
    other = await client.get(f"{BASE}/employees/dana@restmatch.test/gap?role=Senior Data Engineer", headers=omar)
    assert other.status_code == 403 and "Apache Spark" not in other.text
    outside = await client.get(
        f"{BASE}/employees/olga@restmatch.test/gap?role=Senior Data Engineer",
        headers=await headers("boss@restmatch.test"),
    )
    assert outside.status_code == 403
    assert (await client.get(f"{BASE}/employees/me/gap?role=Qzxv Plorbt", headers=omar)).status_code == 404
    assert (await client.get(f"{BASE}/employees/me/gap", headers=omar)).status_code == 422
    bad_taxonomy = await client.get(f"{BASE}/employees/me/gap?role=DE-SR&taxonomy=monster", headers=omar)
    assert bad_taxonomy.status_code == 422


# employees/{id}/career-paths ----------------------------------------------------------------------


async def test_career_paths(client: httpx.AsyncClient, headers: Auth, tool: Tool) -> None:
    url = f"{BASE}/employees/me/career-paths?target=Staff Engineer&from_role=Junior Software Engineer&max_paths=2"
    got = await client.get(url, headers=await headers("zoe@restmatch.test"))
    assert got.status_code == 200, got.text
    body = got.json()
    expected = await tool(
        "zoe@restmatch.test", "plan_career_path", target="Staff Engineer",
        from_role="Junior Software Engineer", max_paths=2,
    )  # fmt: skip
    assert body == expected
    assert body["is_self"] and len(body["paths"]) == 2
    for path in body["paths"]:
        assert path["steps"][0]["from_role"]["title"] == "Junior Software Engineer"
        assert path["steps"][-1]["to_role"]["title"] == "Staff Engineer"


async def test_career_paths_refusals(client: httpx.AsyncClient, headers: Auth) -> None:
    zoe = await headers("zoe@restmatch.test")
    base = f"{BASE}/employees/me/career-paths"
    other = await client.get(f"{BASE}/employees/omar@restmatch.test/career-paths?target=Staff Engineer", headers=zoe)
    assert other.status_code == 403
    assert (await client.get(f"{base}?target=Qzxv Plorbt", headers=zoe)).status_code == 404
    assert (await client.get(f"{base}?target=Staff Engineer&max_paths=9", headers=zoe)).status_code == 422
    assert (await client.get(base, headers=zoe)).status_code == 422


# teams/skills -------------------------------------------------------------------------------------


async def test_team_skills_who_knows_for_a_manager(client: httpx.AsyncClient, headers: Auth, tool: Tool) -> None:
    got = await client.get(f"{BASE}/teams/skills?skill=Python", headers=await headers("boss@restmatch.test"))
    assert got.status_code == 200, got.text
    body = got.json()
    assert body == await tool("boss@restmatch.test", "team_skills", skill="Python")
    assert body["view"] == "who_knows" and body["team"]["named"]
    knows = body["who_knows"]
    assert [p["name"] for p in knows["people"]] == ["Dana Ito"]
    assert {p["name"] for p in knows["below"]} == {"Omar Haddad", "Zoe Park"}
    lower = (
        await client.get(f"{BASE}/teams/skills?skill=Python&min_level=2", headers=await headers("boss@restmatch.test"))
    ).json()
    assert [p["name"] for p in lower["who_knows"]["people"]] == ["Dana Ito", "Omar Haddad"]


async def test_team_skills_bad_parameters(client: httpx.AsyncClient, headers: Auth) -> None:
    boss = await headers("boss@restmatch.test")
    for query in ("?view=everything", "?min_level=9", "?limit=0", "?skill="):
        assert (await client.get(f"{BASE}/teams/skills{query}", headers=boss)).status_code == 422, query


# organisations ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/jobs/match"),
        ("GET", "/roles/candidates?role=Senior Data Engineer"),
        ("GET", "/employees/me/gap?role=Senior Data Engineer"),
        ("GET", "/employees/me/career-paths?target=Staff Engineer"),
        ("GET", "/teams/skills?skill=Python"),
    ],
)
async def test_other_organisations_tokens_are_refused(
    client: httpx.AsyncClient, headers: Auth, method: str, path: str
) -> None:
    json: dict[str, object] | None = {} if method == "POST" else None
    foreign = await client.request(method, BASE + path, json=json, headers=await headers("ada@acme.test"))
    assert foreign.status_code == 404 and ORG in _error(foreign)
    own_token_other_path = await client.request(
        method, "/api/v2/organizations/acme" + path, json=json, headers=await headers("hr@restmatch.test")
    )
    assert own_token_other_path.status_code == 404
    assert (await client.request(method, BASE + path, json=json)).status_code == 401


async def test_routes_are_documented(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    for path in ("/jobs/match", "/roles/candidates", "/employees/{employee_id}/gap",
                 "/employees/{employee_id}/career-paths", "/teams/skills"):  # fmt: skip
        operation = next(iter(spec["paths"]["/api/v2/organizations/{org}" + path].values()))
        assert operation["summary"] and len(operation["description"]) > 100
    params = {p["name"]: p for p in spec["paths"]["/api/v2/organizations/{org}/teams/skills"]["get"]["parameters"]}
    assert (
        params["min_level"]["schema"]["anyOf"][0]["maximum"] == 5 and "Default: 3" in params["min_level"]["description"]
    )
