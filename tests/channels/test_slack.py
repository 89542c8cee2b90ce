"""The Slack channel end to end: signed Events API requests into the real app, replies caught by a
local fake of the Slack Web API. Nothing leaves 127.0.0.1."""

import asyncio
import hashlib
import hmac
import json
import logging
import secrets
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qsl, urlencode

import httpx
import pytest
from fastapi import FastAPI

from hrm.agent.service import Agent, Reply
from hrm.channels.rest.app import create_app
from hrm.channels.runtime import Runtime
from hrm.channels.slack.handlers import (
    APOLOGY,
    UNKNOWN_USER,
    conversation_id,
    handle_message,
    strip_mention,
    to_mrkdwn,
)
from hrm.core.db import Database
from hrm.core.identity import resolve_org
from hrm.core.principals import Principal
from hrm.core.settings import Settings
from hrm.retrieval.embeddings import FakeEmbedder
from hrm.tools import registry
from hrm.tools.context import Deps

TEAM = "TACME"
BOT_USER = "UHRMBOT"
MARTA = "UACMEMARTA"
SAM = "UACMESAM"
WAIT_SECONDS = 5.0  # replies come after the ack, from a background task


# -- a local fake of the Slack Web API ----------------------------------------------------------


@dataclass
class Posted:
    method: str
    token: str
    args: dict[str, Any]
    status: int = 200
    at: float = 0.0  # time.monotonic() when it arrived


class FakeSlack:
    """Answers Web API calls on 127.0.0.1 (in a thread of its own) and records them."""

    def __init__(self) -> None:
        self.calls: list[Posted] = []
        self.files: dict[str, bytes] = {}  # served at /files/<name>, like Slack's url_private_download
        self.downloads: list[tuple[str, str]] = []  # (path, bearer token)
        self._lock = threading.Lock()
        self._posted = asyncio.Event()  # set, from the server thread, on every call
        self._loop: asyncio.AbstractEventLoop | None = None
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                method = self.path.rsplit("/", 1)[-1]
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    args: dict[str, Any] = json.loads(raw or "{}")
                else:
                    args = dict(parse_qsl(raw))
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                with fake._lock:
                    status, headers = fake.status(method, args)
                    fake.calls.append(Posted(method, token, args, status, time.monotonic()))
                refused = {"ok": False, "error": "ratelimited"}
                self._send(fake.answer(method, args) if status == 200 else refused, status, headers)
                fake._notify()

            def do_GET(self) -> None:
                name = self.path.rsplit("/", 1)[-1]
                with fake._lock:
                    fake.downloads.append((self.path, self.headers.get("Authorization", "").removeprefix("Bearer ")))
                    data = fake.files.get(name)
                if data is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _send(self, payload: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/"

    def answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"ok": True, "team_id": TEAM, "user_id": BOT_USER, "bot_id": "BHRMBOT"}
        if method == "chat.postMessage":
            return {"ok": True, "channel": args.get("channel"), "ts": f"{time.time():.6f}"}
        return {"ok": False, "error": "unknown_method"}

    def status(self, method: str, args: dict[str, Any]) -> tuple[int, dict[str, str]]:
        """The HTTP status (and extra headers) for a call; subclasses refuse some (called locked)."""
        return 200, {}

    def posts(self, channel: str) -> list[Posted]:
        with self._lock:
            return [c for c in self.calls if c.method == "chat.postMessage" and c.args.get("channel") == channel]

    async def wait_for_posts(self, channel: str, count: int = 1, *, ok: int = 0) -> list[Posted]:
        """The ``chat.postMessage`` calls in ``channel`` once there are ``count`` of them, ``ok`` of
        them answered 200."""
        self._loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(WAIT_SECONDS):
                while True:
                    self._posted.clear()
                    found = self.posts(channel)
                    if len(found) >= count and sum(p.status == 200 for p in found) >= ok:
                        return found
                    await self._posted.wait()
        except TimeoutError:
            raise AssertionError(f"expected {count} post(s) in {channel}, got {self.posts(channel)}") from None

    def _notify(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._posted.set)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


# -- signed requests ----------------------------------------------------------------------------


def unique(prefix: str) -> str:
    return prefix + secrets.token_hex(4).upper()


def event_callback(event: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
    return {
        "token": "unused-legacy-token",
        "team_id": TEAM,
        "api_app_id": "AHRM",
        "event": event,
        "type": "event_callback",
        "event_id": event_id or unique("Ev"),
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": TEAM,
                "user_id": BOT_USER,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
    }


def dm(user: str, text: str, channel: str, **extra: Any) -> dict[str, Any]:
    ts = f"{time.time():.6f}"
    return {"type": "message", "channel": channel, "channel_type": "im", "user": user, "text": text, "ts": ts} | extra


def mention(user: str, text: str, channel: str, *, thread_ts: str | None = None) -> dict[str, Any]:
    event = {"type": "app_mention", "channel": channel, "user": user, "text": f"<@{BOT_USER}> {text}"}
    event["ts"] = f"{time.time():.6f}"
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def signed_headers(secret: str, body: bytes, *, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
    }


@dataclass
class SlackClient:
    http: httpx.AsyncClient
    secret: str

    async def send(self, payload: dict[str, Any], *, secret: str | None = None, age: int = 0) -> httpx.Response:
        body = json.dumps(payload).encode()
        headers = signed_headers(secret or self.secret, body, timestamp=int(time.time()) - age)
        return await self.http.post("/slack/events", content=body, headers=headers)

    async def interact(self, payload: dict[str, Any], *, secret: str | None = None) -> httpx.Response:
        """An interactive payload (a button click), form-encoded and signed like Slack's."""
        body = urlencode({"payload": json.dumps(payload)}).encode()
        headers = signed_headers(secret or self.secret, body)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return await self.http.post("/slack/events", content=body, headers=headers)


# -- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture(scope="module")
async def slack(db: Database, settings: Settings, fake_slack: FakeSlack) -> AsyncIterator[SlackClient]:
    """The real app (REST + Slack) in its lifespan, its Web API client pointed at the fake."""
    app_settings = settings.model_copy(update={"slack_api_url": fake_slack.url})
    app = create_app(app_settings, embedder=FakeEmbedder())
    assert app_settings.slack_signing_secret is not None
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://slack.test") as http,
    ):
        yield SlackClient(http, app_settings.slack_signing_secret.get_secret_value())
        await _settle()


async def _settle() -> None:
    """Let listeners still running finish before the lifespan closes the database."""
    pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and "run_ack_function" in repr(t)]
    if pending:
        await asyncio.wait(pending, timeout=5)


# -- end to end ---------------------------------------------------------------------------------


async def test_dm_is_acknowledged_at_once_and_answered_in_the_dm(slack: SlackClient, fake_slack: FakeSlack) -> None:
    channel = unique("D")
    response = await slack.send(event_callback(dm(MARTA, "what skills do I have?", channel)))
    # The ack is an empty 200; the answer goes out afterwards through chat.postMessage.
    assert response.status_code == 200 and response.text == ""

    (post,) = await fake_slack.wait_for_posts(channel)
    assert "Python" in post.args["text"]
    assert "Kubernetes" in post.args["text"]
    assert "thread_ts" not in post.args
    assert post.token.startswith("xoxb-")


async def test_follow_ups_in_a_dm_continue_one_conversation(
    slack: SlackClient, fake_slack: FakeSlack, db: Database
) -> None:
    channel = unique("D")
    await slack.send(event_callback(dm(MARTA, "hi", channel)))
    await fake_slack.wait_for_posts(channel, 1)
    await slack.send(event_callback(dm(MARTA, "what skills do I have?", channel)))
    await fake_slack.wait_for_posts(channel, 2)

    assert await _messages(db, conversation_id(TEAM, channel, None, MARTA)) == ["user", "assistant"] * 2


async def test_wrong_signature_is_refused(slack: SlackClient, fake_slack: FakeSlack) -> None:
    channel = unique("D")
    response = await slack.send(event_callback(dm(MARTA, "what skills do I have?", channel)), secret="not-the-secret")
    assert response.status_code == 401
    await asyncio.sleep(0.3)
    assert fake_slack.posts(channel) == []


async def test_stale_timestamp_is_refused(slack: SlackClient, fake_slack: FakeSlack) -> None:
    channel = unique("D")
    response = await slack.send(event_callback(dm(MARTA, "what skills do I have?", channel)), age=6 * 60)
    assert response.status_code == 401
    await asyncio.sleep(0.3)
    assert fake_slack.posts(channel) == []


async def test_url_verification_challenge_is_echoed(slack: SlackClient) -> None:
    challenge = secrets.token_urlsafe(24)
    response = await slack.send({"token": "unused", "challenge": challenge, "type": "url_verification"})
    assert response.status_code == 200
    assert response.json() == {"challenge": challenge}


async def test_unknown_slack_user_is_told_to_ask_hr(slack: SlackClient, fake_slack: FakeSlack) -> None:
    channel = unique("D")
    await slack.send(event_callback(dm("UNOBODY42", "what skills does Marta have?", channel)))
    (post,) = await fake_slack.wait_for_posts(channel)
    assert post.args["text"] == UNKNOWN_USER
    assert "Python" not in post.args["text"]


async def test_a_colleague_in_another_department_cannot_see_martas_skills(
    slack: SlackClient, fake_slack: FakeSlack
) -> None:
    channel = unique("D")
    await slack.send(event_callback(dm(SAM, "what skills does Marta have?", channel)))
    (post,) = await fake_slack.wait_for_posts(channel)
    text = post.args["text"]
    assert "Python" not in text
    assert "Kubernetes" not in text
    assert "can't" in text or "not" in text.lower()


async def test_app_mention_is_answered_in_its_thread(slack: SlackClient, fake_slack: FakeSlack, db: Database) -> None:
    channel = unique("C")
    first = mention(MARTA, "what skills do I have?", channel)
    response = await slack.send(event_callback(first))
    assert response.status_code == 200
    (post,) = await fake_slack.wait_for_posts(channel)
    assert post.args["thread_ts"] == first["ts"]
    assert "Python" in post.args["text"]
    assert BOT_USER not in post.args["text"]

    await slack.send(event_callback(mention(MARTA, "help", channel, thread_ts=first["ts"])))
    posts = await fake_slack.wait_for_posts(channel, 2)
    assert posts[1].args["thread_ts"] == first["ts"]
    assert await _messages(db, conversation_id(TEAM, channel, first["ts"], MARTA)) == ["user", "assistant"] * 2


async def test_someone_else_in_the_thread_gets_a_conversation_of_their_own(
    slack: SlackClient, fake_slack: FakeSlack
) -> None:
    channel = unique("C")
    first = mention(MARTA, "what skills do I have?", channel)
    await slack.send(event_callback(first))
    await fake_slack.wait_for_posts(channel, 1)
    await slack.send(event_callback(mention(SAM, "what skills do I have?", channel, thread_ts=first["ts"])))
    posts = await fake_slack.wait_for_posts(channel, 2)
    assert posts[1].args["thread_ts"] == first["ts"]
    assert "Negotiation" in posts[1].args["text"]
    assert "Python" not in posts[1].args["text"]


async def test_bot_messages_edits_and_channel_chatter_are_ignored(slack: SlackClient, fake_slack: FakeSlack) -> None:
    channel = unique("D")
    ignored = [
        dm(MARTA, "what skills do I have?", channel, bot_id="BOTHER"),
        dm(BOT_USER, "what skills do I have?", channel),
        dm(MARTA, "what skills do I have?", channel, subtype="message_changed"),
        dm(MARTA, "what skills do I have?", channel, channel_type="channel"),
    ]
    for event in ignored:
        response = await slack.send(event_callback(event))
        assert response.status_code == 200
    # A real message afterwards is answered; had any of the above been, there would be two posts.
    await slack.send(event_callback(dm(MARTA, "hi", channel)))
    await fake_slack.wait_for_posts(channel, 1)
    await asyncio.sleep(0.3)
    assert len(fake_slack.posts(channel)) == 1


async def test_a_retried_event_is_answered_once(slack: SlackClient, fake_slack: FakeSlack) -> None:
    channel = unique("D")
    payload = event_callback(dm(MARTA, "hi", channel))
    await slack.send(payload)
    await slack.send(payload)
    await slack.send(event_callback(dm(MARTA, "help", channel)))
    await fake_slack.wait_for_posts(channel, 2)
    await asyncio.sleep(0.3)
    assert len(fake_slack.posts(channel)) == 2


async def test_unconfigured_slack_answers_503_and_the_rest_still_works(settings: Settings) -> None:
    app: FastAPI = create_app(
        settings.model_copy(update={"slack_signing_secret": None, "slack_bot_token": None}), embedder=FakeEmbedder()
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://slack.test") as http:
        response = await http.post("/slack/events", content=b"{}")
        assert response.status_code == 503
        assert "not configured" in response.json()["error"]["message"]
        assert (await http.get("/health")).status_code == 200


# -- the pure function behind the listeners -----------------------------------------------------


@pytest.fixture(scope="module")
def runtime(deps: Deps) -> Runtime:
    return Runtime(deps, Agent(deps, registry))


async def test_handle_message_answers_as_the_slack_user(runtime: Runtime) -> None:
    text = await handle_message(runtime, TEAM, MARTA, "what skills do I have?", unique("slack:test:"))
    assert "Python" in text
    assert "Kubernetes" in text


async def test_mentioned_colleagues_are_resolved_within_permissions(runtime: Runtime) -> None:
    mike_asks = await handle_message(runtime, TEAM, "UACMEMIKE", "what skills does <@UACMEMARTA> have?", unique("s:"))
    assert "Python" in mike_asks and "Kubernetes" in mike_asks
    sam_asks = await handle_message(
        runtime, TEAM, "UACMESAM", "what skills does <@UACMEMARTA|marta> have?", unique("s:")
    )
    assert "Python" not in sam_asks and "can't" in sam_asks
    otto = await handle_message(runtime, TEAM, "UACMEMIKE", "what skills does <@UGLOBOTTO> have?", unique("s:"))
    assert "Machine Learning" not in otto


async def test_handle_message_for_an_unknown_user(runtime: Runtime) -> None:
    assert await handle_message(runtime, TEAM, "UNOBODY42", "hi", unique("slack:test:")) == UNKNOWN_USER


class _BrokenAgent(Agent):
    async def ask(self, principal: Principal, text: str, *, conversation_id: str | None = None, channel: str) -> Reply:
        raise RuntimeError("connection to 10.0.0.7 refused: password=hunter2")


async def test_handle_message_apologises_without_the_exception(deps: Deps, caplog: pytest.LogCaptureFixture) -> None:
    broken = Runtime(deps, _BrokenAgent(deps, registry))
    with caplog.at_level(logging.ERROR, logger="hrm.channels.slack.handlers"):
        text = await handle_message(broken, TEAM, MARTA, "what skills do I have?", unique("slack:test:"))
    assert text == APOLOGY
    assert "hunter2" not in text
    assert any(r.exc_info for r in caplog.records)


def test_strip_mention() -> None:
    assert strip_mention(f"<@{BOT_USER}> what skills do I have?", BOT_USER) == "what skills do I have?"
    assert strip_mention(f"<@{BOT_USER}|hrm>: help", BOT_USER) == "help"
    assert strip_mention(f"what skills does <@{MARTA}> have <@{BOT_USER}>", BOT_USER) == (
        f"what skills does <@{MARTA}> have"
    )
    assert strip_mention(f"<@{BOT_USER}> hi", None) == "hi"


def test_replies_are_escaped_for_slack() -> None:
    assert to_mrkdwn("R&D <script> a > b") == "R&amp;D &lt;script&gt; a &gt; b"


async def _messages(db: Database, conversation: str) -> list[str]:
    org_id = await resolve_org(db, "acme")
    async with db.org_tx(org_id) as conn:
        cur = await conn.execute("SELECT sender FROM messages WHERE conversation_id = %s ORDER BY id", (conversation,))
        return [row["sender"] for row in await cur.fetchall()]


# -- a CV shared in a DM --------------------------------------------------------------------------

EVE_CV = (
    b"Eve Novak\n\nExperience\nSoftware Engineer, Acme - 2021 - Present\n- Built the portal in TypeScript and React.\n"
)


def shared_file(user: str, channel: str, url: str, name: str = "cv.txt", size: int = len(EVE_CV)) -> dict[str, Any]:
    files = [{"id": "F1", "name": name, "size": size, "url_private_download": url}]
    return {**dm(user, "", channel), "subtype": "file_share", "files": files}


async def test_a_cv_shared_in_a_dm_is_analysed_with_buttons(
    slack: SlackClient, fake_slack: FakeSlack, db: Database
) -> None:
    fake_slack.files["eve-cv.txt"] = EVE_CV
    channel = unique("D")
    url = fake_slack.url.replace("/api/", "/files/eve-cv.txt")
    await slack.send(event_callback(shared_file("UACMEEVE", channel, url)))
    (post,) = await fake_slack.wait_for_posts(channel)
    assert "TypeScript" in post.args["text"]
    blocks = json.loads(post.args["blocks"]) if isinstance(post.args["blocks"], str) else post.args["blocks"]
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert {b["action_id"] for b in buttons} == {"passport_confirm", "passport_dispute"}
    assert fake_slack.downloads[-1][1].startswith("xoxb-")  # fetched with the bot token
    typescript = next(b["value"] for b in buttons if b["action_id"] == "passport_confirm")

    click = {
        "type": "block_actions", "team": {"id": TEAM}, "user": {"id": "UACMEEVE"}, "channel": {"id": channel},
        "actions": [{"action_id": "passport_confirm", "value": typescript, "type": "button"}],
    }  # fmt: skip
    assert (await slack.interact(click)).status_code == 200
    posts = await fake_slack.wait_for_posts(channel, 2)
    assert posts[1].args["text"].startswith("Confirmed")
    async with db.org_tx(None) as conn:
        cur = await conn.execute("SELECT org_id FROM hrm_resolve_slack_user(%s, 'UACMEEVE')", (TEAM,))
        org = await cur.fetchone()
    assert org is not None
    async with db.org_tx(org["org_id"]) as conn:
        cur = await conn.execute(
            "SELECT status FROM person_skills WHERE skill_id = %s AND source = 'inferred'", (int(typescript),)
        )
        rows = await cur.fetchall()
    assert [r["status"] for r in rows] == ["confirmed"]
    forged = await slack.interact(click, secret="not-the-secret")
    assert forged.status_code == 401


async def test_files_outside_slack_are_not_fetched(slack: SlackClient, fake_slack: FakeSlack) -> None:
    channel = unique("D")
    before = len(fake_slack.downloads)
    await slack.send(event_callback(shared_file("UACMEEVE", channel, "http://127.0.0.2:9/internal/admin")))
    (post,) = await fake_slack.wait_for_posts(channel)
    assert "not on Slack's file server" in post.args["text"] and len(fake_slack.downloads) == before
    big = unique("D")
    await slack.send(event_callback(shared_file("UACMEEVE", big, fake_slack.url + "x", size=9 * 1024 * 1024)))
    (post,) = await fake_slack.wait_for_posts(big)
    assert "larger than 5 MB" in post.args["text"]
