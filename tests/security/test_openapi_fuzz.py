"""Schema-driven fuzzing: requests generated from the OpenAPI document for every operation, sent to
the real app, none answered with a server error.

Schemathesis generates the cases (valid and boundary values from each operation's schema); they are
replayed through the app in-process with its lifespan, half of them naming a real organisation and
carrying a real token so the handlers behind authentication are reached too. The caller belongs to
an organisation of this module's own: a generated erasure request may erase them.
"""

import random
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import Case, openapi
from schemathesis.core.result import Ok

from hrm.channels.rest.app import create_app
from hrm.core.db import Database
from hrm.core.identity import principal_by_email
from hrm.core.principals import Principal
from hrm.core.settings import Settings
from hrm.retrieval.embeddings import FakeEmbedder
from hrm.tools.org_import import import_org
from tests.security.conftest import bearer, unlimited

EXAMPLES_PER_OPERATION = 50
ORG = "sec-fuzz"
PEOPLE = f"""email,first_name,last_name,job_title,department,manager_email,location,role,slack_user_id
ivy@{ORG}.test,Ivy,Admin,Chief Executive Officer,Leadership,,Milan,admin,
hal@{ORG}.test,Hal,People,HR Business Partner,People,ivy@{ORG}.test,Milan,hr,
kim@{ORG}.test,Kim,Coder,Software Engineer,Engineering,ivy@{ORG}.test,Berlin,employee,
"""
SKILLS = f"""email,skill,level,source
kim@{ORG}.test,Python,3,self
"""


@pytest.fixture(scope="module")
async def fuzz_client(settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    """The app in-process; an exception in it comes back as the 500 a client would see."""
    app = create_app(unlimited(settings), embedder=FakeEmbedder())
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        yield http


@pytest.fixture(scope="module")
async def fuzz_caller(db: Database) -> Principal:
    await import_org(db, ORG, name="Fuzz", people_csv=PEOPLE, skills_csv=SKILLS)
    return await principal_by_email(db, ORG, f"hal@{ORG}.test")


def _cases(spec: dict[str, Any]) -> "list[Case[Any]]":
    """Up to ``EXAMPLES_PER_OPERATION`` generated requests for each operation of the document."""
    schema = openapi.from_dict(spec)
    cases: list[Case[Any]] = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"the OpenAPI document has an operation schemathesis cannot read: {result}"
        operation = result.ok()

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            database=None,
            deadline=None,
            derandomize=True,  # the same cases every run, so a failure can be replayed
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def collect(case: "Case[Any]") -> None:
            cases.append(case)

        collect()
    return cases


def _request(case: "Case[Any]", org: str, token: dict[str, str] | None, rng: random.Random) -> dict[str, Any]:
    if "org" in (case.path_parameters or {}) and rng.random() < 0.5:
        case.path_parameters = {**(case.path_parameters or {}), "org": org}
    kwargs = case.as_transport_kwargs(base_url="http://t")
    headers = {k: v for k, v in (kwargs.get("headers") or {}).items() if k.lower() != "authorization"}
    if token is not None:
        headers.update(token)
    request: dict[str, Any] = {"method": kwargs["method"], "url": kwargs["url"], "headers": headers}
    if kwargs.get("params"):
        request["params"] = kwargs["params"]
    if kwargs.get("cookies"):
        request["cookies"] = kwargs["cookies"]
    if "json" in kwargs:
        request["json"] = kwargs["json"]
    if kwargs.get("files"):
        request["files"] = kwargs["files"]
        if isinstance(kwargs.get("data"), dict):
            request["data"] = kwargs["data"]
    elif isinstance(kwargs.get("data"), dict):
        request["data"] = kwargs["data"]
    elif kwargs.get("data") is not None:
        request["content"] = kwargs["data"]
    return request


async def test_generated_requests_never_get_a_server_error(
    fuzz_client: httpx.AsyncClient, fuzz_caller: Principal, settings: Settings
) -> None:
    spec = (await fuzz_client.get("/openapi.json")).json()
    cases = _cases(spec)
    operations = {(c.method.upper(), c.path) for c in cases}
    assert len(operations) == len(
        [m for item in spec["paths"].values() for m in item if m in ("get", "post", "put", "patch", "delete")]
    )
    rng = random.Random(7)
    token = bearer(settings, fuzz_caller)
    server_errors: list[str] = []
    statuses: dict[int, int] = {}
    for case in cases:
        request = _request(case, ORG, token if rng.random() < 0.5 else None, rng)
        try:
            response = await fuzz_client.request(**request)
        except (httpx.RequestError, UnicodeEncodeError) as exc:
            # The client itself refused the request (say, a header it cannot encode): nothing reached the app.
            statuses[0] = statuses.get(0, 0) + 1
            assert "Traceback" not in str(exc)
            continue
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            server_errors.append(
                f"{request['method']} {request['url']} → {response.status_code}: {response.text[:300]}"
            )
    assert server_errors == [], "\n".join(server_errors[:20])
    assert sum(n for code, n in statuses.items() if 200 <= code < 300) > 0  # handlers were reached, not only refusals
    print(f"openapi fuzz: {len(cases)} requests over {len(operations)} operations; statuses {sorted(statuses.items())}")
