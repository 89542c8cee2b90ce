"""Abuse limits: request rates per person, per organisation and for chat (429 with Retry-After),
body sizes (413), and the Slack side: a retried event answered once even across replicas, the ack
before the work, a Web API 429 waited out, and one chat allowance for Slack and REST together."""

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any
from uuid import uuid4

import httpx
import pytest
from fastapi import FastAPI

from hrm.agent.service import Agent, Reply
from hrm.channels.rest.app import create_app
from hrm.channels.runtime import Runtime
from hrm.channels.slack.dedupe import EventDeduplicator
from hrm.core.db import Database
from hrm.core.principals import Principal
from hrm.core.ratelimit import RateLimiter, TokenBuckets
from hrm.core.settings import Settings
from hrm.retrieval.embeddings import FakeEmbedder
from tests.channels.test_slack import FakeSlack, SlackClient, dm, event_callback
from tests.security.conftest import SecurityOrgs, bearer

# -- the buckets ----------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_allows_its_burst_then_refuses_until_refilled() -> None:
    clock = Clock()
    buckets = TokenBuckets(rate_per_second=0.5, burst=3, clock=clock)
    for _ in range(3):
        assert buckets.peek("p").allowed
        buckets.take("p")
    refused = buckets.peek("p")
    assert not refused.allowed and refused.retry_after == pytest.approx(2.0)
    assert refused.retry_after_header == "2"
    assert buckets.peek("q").allowed  # another key has its own bucket
    clock.now += 2.0
    assert buckets.peek("p").allowed


def test_a_refused_request_spends_nothing(settings: Settings) -> None:
    clock = Clock()
    tight = settings.model_copy(update={"rate_person_burst": 5, "rate_org_burst": 2, "rate_org_per_minute": 60})
    limiter = RateLimiter(tight, clock=clock)
    org, alice, bob = uuid4(), uuid4(), uuid4()
    assert limiter.request(org, alice).allowed and limiter.request(org, alice).allowed
    refused = limiter.request(org, bob)
    assert not refused.allowed and refused.retry_after == pytest.approx(1.0)
    clock.now += 1.0
    # Bob's own bucket was not charged for the refusal: the organisation's refilled token lets him in.
    assert limiter.request(org, bob).allowed


# -- REST -----------------------------------------------------------------------------------------


async def _client(settings: Settings, **limits: Any) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = create_app(settings.model_copy(update=limits), embedder=FakeEmbedder())
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        yield http


@pytest.fixture
async def tight(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _client(
        settings,
        rate_person_burst=3,
        rate_person_per_minute=6,
        rate_org_burst=5,
        rate_org_per_minute=6,
        rate_chat_burst=2,
        rate_chat_per_minute=1,
        max_body_bytes=2048,
        max_upload_bytes=4096,
    ):
        yield client


def _skills_url(p: Principal) -> str:
    return f"/api/v2/organizations/{p.org_slug}/skills?q=python"


async def test_a_person_over_their_rate_gets_429_with_retry_after(
    tight: httpx.AsyncClient, sec_orgs: SecurityOrgs, settings: Settings
) -> None:
    emma = sec_orgs["employee"].principal
    answers = [await tight.get(_skills_url(emma), headers=bearer(settings, emma)) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.json()["error"]["code"] == "rate_limited" and "try again" in refused.json()["error"]["message"]
    # Another organisation is untouched.
    bella = sec_orgs["other_admin"].principal
    assert (await tight.get(_skills_url(bella), headers=bearer(settings, bella))).status_code == 200


async def test_an_organisation_over_its_rate_gets_429_for_everyone_in_it(
    tight: httpx.AsyncClient, sec_orgs: SecurityOrgs, settings: Settings
) -> None:
    codes = []
    for key in ("admin", "hr", "manager", "employee", "report", "non_report"):
        p = sec_orgs[key].principal
        codes.append((await tight.get(_skills_url(p), headers=bearer(settings, p))).status_code)
    assert codes == [200] * 5 + [429]


async def test_chat_turns_have_their_own_tighter_allowance(
    tight: httpx.AsyncClient, sec_orgs: SecurityOrgs, settings: Settings
) -> None:
    rita = sec_orgs["report"].principal
    url = f"/api/v2/organizations/{rita.org_slug}/chat"
    codes = [
        (await tight.post(url, json={"message": "hi"}, headers=bearer(settings, rita))).status_code for _ in range(3)
    ]
    assert codes == [200, 200, 429]


async def test_unauthenticated_requests_are_answered_401_not_counted(tight: httpx.AsyncClient) -> None:
    codes = {(await tight.get("/api/v2/organizations/x/skills?q=a")).status_code for _ in range(10)}
    assert codes == {401}


async def test_bodies_over_the_limit_get_413(
    tight: httpx.AsyncClient, sec_orgs: SecurityOrgs, settings: Settings
) -> None:
    zoe = sec_orgs["other_employee"].principal
    url = f"/api/v2/organizations/{zoe.org_slug}/chat"
    big = json.dumps({"message": "x" * 3000}).encode()
    declared = await tight.post(url, content=big, headers={**bearer(settings, zoe), "Content-Type": "application/json"})
    assert declared.status_code == 413
    assert "too large" in declared.json()["error"]["message"]

    async def chunks() -> AsyncIterator[bytes]:
        for i in range(0, len(big), 500):
            yield big[i : i + 500]

    # No Content-Length up front: counted as it streams in.
    streamed = await tight.post(
        url, content=chunks(), headers={**bearer(settings, zoe), "Content-Type": "application/json"}
    )
    assert streamed.status_code == 413 and "too large" in streamed.text

    upload = await tight.post(
        f"/api/v2/organizations/{zoe.org_slug}/ai/infer-skills",
        files={"files": ("cv.txt", b"Python " * 1000, "text/plain")},
        headers=bearer(settings, zoe),
    )
    assert upload.status_code == 413


# -- Slack ----------------------------------------------------------------------------------------


class RateLimitedSlack(FakeSlack):
    """The local Web API, answering the first ``refuse_first`` calls with 429 and Retry-After: 1."""

    def __init__(self, *, refuse_first: int = 0) -> None:
        super().__init__()
        self._refuse = refuse_first

    def status(self, method: str, args: dict[str, Any]) -> tuple[int, dict[str, str]]:
        if self._refuse > 0:
            self._refuse -= 1
            return 429, {"Retry-After": "1"}
        return 200, {}


@pytest.fixture
def web_api() -> Iterator[RateLimitedSlack]:
    with RateLimitedSlack() as fake:
        yield fake


async def _slack_app(settings: Settings, web_api: RateLimitedSlack, **extra: Any) -> AsyncIterator[SlackClient]:
    app_settings = settings.model_copy(update={"slack_api_url": web_api.url, **extra})
    app = create_app(app_settings, embedder=FakeEmbedder())
    assert app_settings.slack_signing_secret is not None
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://slack.test") as http,
    ):
        yield SlackClient(http, app_settings.slack_signing_secret.get_secret_value())
        await asyncio.sleep(0.3)  # let listeners still posting finish before the database closes


def _channel() -> str:
    return "D" + uuid4().hex[:8].upper()


async def test_a_retried_event_is_answered_once_across_replicas(
    settings: Settings, web_api: RateLimitedSlack, sec_orgs: SecurityOrgs
) -> None:
    channel = _channel()
    event = event_callback(dm("USECEMMA", "what skills do I have?", channel), event_id="Ev" + uuid4().hex)
    async for first in _slack_app(settings, web_api):
        async for second in _slack_app(settings, web_api):  # another replica, the same database
            replies = await asyncio.gather(first.send(event), second.send(event), first.send(event))
            assert [r.status_code for r in replies] == [200, 200, 200]
            await web_api.wait_for_posts(channel, 1)
            await asyncio.sleep(0.5)  # time enough for a duplicate answer to show up
    assert len(web_api.posts(channel)) == 1


class SlowAgent:
    """An agent that takes longer than Slack's 3 s to answer."""

    def __init__(self, agent: Agent, seconds: float) -> None:
        self._agent, self._seconds = agent, seconds

    async def ask(self, principal: Principal, text: str, **kwargs: Any) -> Reply:
        await asyncio.sleep(self._seconds)
        return await self._agent.ask(principal, text, **kwargs)


async def test_the_ack_comes_within_three_seconds_and_the_work_after(
    settings: Settings, web_api: RateLimitedSlack, sec_orgs: SecurityOrgs
) -> None:
    app_settings = settings.model_copy(update={"slack_api_url": web_api.url})
    app = create_app(app_settings, embedder=FakeEmbedder())
    assert app_settings.slack_signing_secret is not None
    channel = _channel()
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://slack.test") as http,
    ):
        runtime: Runtime = app.state.runtime
        app.state.runtime = Runtime(runtime.deps, SlowAgent(runtime.agent, 3.5))  # type: ignore[arg-type]
        slack = SlackClient(http, app_settings.slack_signing_secret.get_secret_value())
        started = time.monotonic()
        response = await slack.send(event_callback(dm("USECEMMA", "what skills do I have?", channel)))
        acked = time.monotonic() - started
        assert response.status_code == 200 and acked < 3.0
        assert web_api.posts(channel) == []  # the answer is still being worked on
        await web_api.wait_for_posts(channel, 1)
        posted_after = web_api.posts(channel)[0].at - started
    assert posted_after >= 3.5
    assert "Python" in web_api.posts(channel)[0].args["text"]


async def test_a_web_api_429_is_waited_out_and_retried(settings: Settings, sec_orgs: SecurityOrgs) -> None:
    channel = _channel()
    with RateLimitedSlack(refuse_first=1) as refusing:
        async for slack in _slack_app(settings, refusing):
            await slack.send(event_callback(dm("USECEMMA", "what skills do I have?", channel)))
            await refusing.wait_for_posts(channel, 2, ok=1)
        (first, second) = refusing.posts(channel)
    assert first.status == 429 and second.status == 200
    assert second.at - first.at >= 0.95  # Retry-After: 1 was honoured
    assert second.args["text"] == first.args["text"]


async def test_slack_and_rest_chat_share_one_allowance(
    settings: Settings, web_api: RateLimitedSlack, sec_orgs: SecurityOrgs
) -> None:
    hugo = sec_orgs["hr"].principal
    channel = _channel()
    async for slack in _slack_app(settings, web_api, rate_chat_burst=1, rate_chat_per_minute=1):
        rest = await slack.http.post(
            f"/api/v2/organizations/{hugo.org_slug}/chat", json={"message": "hi"}, headers=bearer(settings, hugo)
        )
        assert rest.status_code == 200
        await slack.send(event_callback(dm("USECHUGO", "what skills do I have?", channel)))
        await web_api.wait_for_posts(channel, 1)
    (post,) = web_api.posts(channel)
    assert "Too many requests" in post.args["text"]


async def test_event_ids_are_kept_in_the_database_and_an_outage_answers_rather_than_drops(
    db: Database, settings: Settings
) -> None:
    event_id = "Ev" + uuid4().hex
    assert await EventDeduplicator().first_time(db, event_id) is True
    # A fresh replica (empty in-process cache) sees the id in the database.
    assert await EventDeduplicator().first_time(db, event_id) is False
    async with db.org_tx(None) as conn:
        cur = await conn.execute("SELECT count(*) AS n FROM slack_events WHERE event_id = %s", (event_id,))
        row = await cur.fetchone()
    assert row is not None and row["n"] == 1
    # With the database unreachable the event is answered (at least once beats not at all).
    unopened = Database.from_settings(settings)
    assert await EventDeduplicator().first_time(unopened, "Ev" + uuid4().hex) is True
