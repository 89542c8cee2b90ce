"""The LLM planner through the real ChatOpenAI client against a local OpenAI-compatible fake on
127.0.0.1: a normal turn, a 429 retried by the SDK, a 500 and a timeout answered by the rule-based
planner with a plain notice, and a circuit breaker that skips the provider until its cool-down."""

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from hrm.agent.llm.agent import NOTICES, FallbackReply, LLMReply, LLMResponder, answer_with_fallback, build_responder
from hrm.agent.llm.breaker import CircuitBreaker
from hrm.agent.llm.config import LLMOptions
from hrm.agent.llm.models import chat_model
from hrm.agent.service import Agent, Reply
from hrm.core.principals import Principal
from hrm.core.settings import Settings
from hrm.tools import registry
from hrm.tools.context import Deps
from tests.conftest import PrincipalFactory


@dataclass
class Step:
    status: int = 200
    body: dict[str, Any] = field(default_factory=dict)
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


class FakeOpenAI:
    """Serves /v1/chat/completions from a script and records every request body."""

    def __init__(self) -> None:
        self.script: list[Step] = []
        self.requests: list[dict[str, Any]] = []
        self.release = asyncio.Event()  # ends delayed answers at teardown
        self.url = ""

    async def completions(self, request: web.Request) -> web.Response:
        self.requests.append(await request.json())
        step = self.script.pop(0) if self.script else Step(500, {"error": {"message": "script exhausted"}})
        if step.delay:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.release.wait(), step.delay)
        # No keep-alive: the client's pooled connections would outlive the server otherwise.
        return web.json_response(step.body, status=step.status, headers={**step.headers, "Connection": "close"})


def completion(
    content: str | None = None, tool_calls: Sequence[tuple[str, dict[str, Any]]] = (), tokens: tuple[int, int] = (10, 5)
) -> Step:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_calls:
        message["tool_calls"] = [
            {"id": f"call_{i}", "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}
            for i, (name, args) in enumerate(tool_calls)
        ]
    return Step(
        body={
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": 1_700_000_000,
            "model": "fake-model",
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "finish_reason": "tool_calls" if tool_calls else "stop",
                    "logprobs": None,
                }
            ],
            "usage": {"prompt_tokens": tokens[0], "completion_tokens": tokens[1], "total_tokens": sum(tokens)},
        }
    )


def failure(status: int, **headers: str) -> Step:
    return Step(status, {"error": {"message": f"fake {status}", "type": "server_error"}}, headers=headers)


@pytest.fixture(scope="module")
async def fake_openai() -> AsyncIterator[FakeOpenAI]:
    fake = FakeOpenAI()
    app = web.Application()
    app.router.add_post("/v1/chat/completions", fake.completions)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)  # loopback only: tests never touch the network
    await site.start()
    port = runner.addresses[0][1]
    fake.url = f"http://127.0.0.1:{port}/v1"
    yield fake
    fake.release.set()
    await runner.cleanup()


@pytest.fixture
def fake(fake_openai: FakeOpenAI) -> FakeOpenAI:
    fake_openai.script.clear()
    fake_openai.requests.clear()
    fake_openai.release.clear()
    return fake_openai


def llm_settings(settings: Settings, fake: FakeOpenAI) -> Settings:
    return settings.model_copy(
        update={"llm_provider": "openai_compatible", "llm_base_url": fake.url, "llm_model": "fake-model"}
    )


def options(**overrides: Any) -> LLMOptions:
    base: dict[str, Any] = {"timeout_seconds": 2.0, "max_retries": 1, "turn_timeout_seconds": 10.0}
    return LLMOptions(**{**base, **overrides})


async def ask(llm: LLMResponder | None, deps: Deps, person: Principal, text: str = "what skills do I have?") -> Reply:
    async def rules() -> Reply:
        return await Agent(deps, registry).ask(person, text, channel="test")

    return await answer_with_fallback(llm, text, person, deps, [], channel="test", fallback=rules)


async def test_a_normal_turn_through_the_real_client(
    fake: FakeOpenAI, settings: Settings, deps: Deps, as_person: PrincipalFactory
) -> None:
    marta = await as_person("marta@acme.test")
    llm = build_responder(llm_settings(settings, fake), options=options())
    assert llm is not None
    fake.script = [
        completion(tool_calls=[("get_profile", {})], tokens=(900, 12)),
        completion("You have Python at level 4 (Advanced), plus Kubernetes and PostgreSQL.", tokens=(1400, 30)),
    ]
    reply = await ask(llm, deps, marta)

    assert isinstance(reply, LLMReply) and not reply.templated, reply.text
    assert reply.text.startswith("You have Python") and [c.name for c in reply.tool_calls] == ["get_profile"]
    first, second = fake.requests
    assert first["model"] == "fake-model" and first["messages"][0]["role"] == "system"
    offered = {tool["function"]["name"] for tool in first["tools"]}
    assert "get_profile" in offered and "find_candidates" not in offered
    tool_message = second["messages"][-1]
    assert tool_message["role"] == "tool" and tool_message["content"].startswith('<tool_output tool="get_profile"')
    assert "marta@acme.test" in tool_message["content"]
    assert (reply.usage.input_tokens, reply.usage.output_tokens) == (2300, 42)


async def test_a_429_is_retried_by_the_sdk(
    fake: FakeOpenAI, settings: Settings, deps: Deps, as_person: PrincipalFactory
) -> None:
    marta = await as_person("marta@acme.test")
    llm = build_responder(llm_settings(settings, fake), options=options())
    fake.script = [failure(429, **{"retry-after-ms": "20"}), completion("Hello Marta! Ask me about your skills.")]
    reply = await ask(llm, deps, marta, "hello")

    assert isinstance(reply, LLMReply) and reply.text == "Hello Marta! Ask me about your skills."
    assert len(fake.requests) == 2
    assert llm is not None and llm.breaker.state == "closed"


async def test_a_500_falls_back_to_the_rule_based_planner_with_a_notice(
    fake: FakeOpenAI, settings: Settings, deps: Deps, as_person: PrincipalFactory
) -> None:
    marta = await as_person("marta@acme.test")
    llm = build_responder(llm_settings(settings, fake), options=options())
    fake.script = [failure(500), failure(500)]
    reply = await ask(llm, deps, marta)

    assert isinstance(reply, FallbackReply) and reply.reason == "unavailable"
    assert reply.text.startswith(NOTICES["unavailable"])
    assert "Python" in reply.text and reply.planner == "rules"
    assert [c.name for c in reply.tool_calls] == ["get_profile"]
    assert len(fake.requests) == 2  # the SDK's one retry, and nothing retrying on top of it


async def test_a_timeout_falls_back_within_two_seconds(
    fake: FakeOpenAI, settings: Settings, deps: Deps, as_person: PrincipalFactory
) -> None:
    marta = await as_person("marta@acme.test")
    llm = build_responder(llm_settings(settings, fake), options=options(timeout_seconds=0.4, max_retries=1))
    assert llm is not None
    fake.script = [Step(delay=5.0), Step(delay=5.0)]
    started = time.perf_counter()
    reply = await ask(llm, deps, marta)
    elapsed = time.perf_counter() - started

    assert isinstance(reply, FallbackReply) and reply.reason == "timeout", reply.text
    assert reply.text.startswith(NOTICES["timeout"]) and "Python" in reply.text
    assert elapsed < 2.5, elapsed
    assert llm.breaker.state == "open"  # a timeout opens the breaker at once


def state_of(breaker: CircuitBreaker) -> str:
    return breaker.state


async def test_the_breaker_skips_the_provider_until_the_cool_down(
    fake: FakeOpenAI, settings: Settings, deps: Deps, as_person: PrincipalFactory
) -> None:
    marta = await as_person("marta@acme.test")
    now = [1000.0]
    opts = options(max_retries=0)
    model = chat_model(llm_settings(settings, fake), opts)
    assert model is not None
    breaker = CircuitBreaker(failures=2, cooldown_seconds=30, clock=lambda: now[0])
    llm = LLMResponder(model, registry, model_name="fake-model", options=opts, breaker=breaker)

    fake.script = [failure(500), failure(500)]
    for _ in range(2):
        reply = await ask(llm, deps, marta)
        assert isinstance(reply, FallbackReply) and reply.reason == "unavailable"
    assert breaker.state == "open" and len(fake.requests) == 2

    skipped = await ask(llm, deps, marta)
    assert isinstance(skipped, FallbackReply) and skipped.reason == "breaker_open"
    assert skipped.text.startswith(NOTICES["breaker_open"]) and "Python" in skipped.text
    assert len(fake.requests) == 2  # the provider was not called

    now[0] += 31  # cool-down over: one trial goes through, and its success closes the breaker
    fake.script = [completion("Hello Marta! I'm back.")]
    recovered = await ask(llm, deps, marta, "hello")
    assert isinstance(recovered, LLMReply) and recovered.text == "Hello Marta! I'm back."
    assert state_of(breaker) == "closed" and len(fake.requests) == 3
