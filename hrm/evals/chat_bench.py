"""``hrm bench --suite chat``: latency of ``Agent.ask`` turns with the rule-based planner.

One process, models loaded once (a warm-up turn embeds the intent examples and loads MiniLM). The
turns are the routing eval's utterances and conversation scripts, asked by the eval's personas with
tools running for real on the configured database.
"""

import statistics
import time
from typing import Any
from uuid import uuid4

from hrm.agent.service import Agent
from hrm.core.db import Database
from hrm.evals.routing import load, setup
from hrm.retrieval.embeddings import Embedder
from hrm.tools import registry
from hrm.tools.context import Deps

TARGET_P95_MS = 300.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def run_chat_bench(db: Database, embedder: Embedder) -> dict[str, Any]:
    principals = await setup(db)
    agent = Agent(Deps(db=db, settings=db.settings, embedder=embedder), registry)
    cases, scripts = load()
    await agent.ask(principals["employee"], "hello", channel="bench")  # warm-up: models and caches
    timings: list[float] = []
    by_tool: dict[str, list[float]] = {}

    async def timed(persona: str, text: str, conversation: str) -> None:
        started = time.perf_counter()
        reply = await agent.ask(principals[persona], text, conversation_id=conversation, channel="bench")
        elapsed = (time.perf_counter() - started) * 1000
        timings.append(elapsed)
        by_tool.setdefault(reply.tool_calls[0].name if reply.tool_calls else "direct", []).append(elapsed)

    # Single turns without a focus (follow-up lines need one, and are covered by the scripts).
    for case in cases:
        if not case.focus:
            await timed(case.persona, case.text, f"bench-{uuid4().hex[:10]}")
    for script in scripts:
        conversation = f"bench-{uuid4().hex[:10]}"
        for turn in script["turns"]:
            await timed(script["persona"], turn["text"], conversation)
    p95 = percentile(timings, 0.95)
    metrics = {
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(max(timings), 1),
        "turns": len(timings),
        "p95_ms_by_tool": {k: round(percentile(v, 0.95), 1) for k, v in sorted(by_tool.items())},
    }
    return {"suite": "chat", "metrics": metrics, "passed": p95 <= TARGET_P95_MS}
