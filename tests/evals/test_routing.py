"""The routing eval against the test database (fake embedder: a bag-of-words vote, so the bar here
is lower than the eval's target with MiniLM; the rules and slots are the same)."""

from typing import Any

import pytest

from hrm.core.db import Database
from hrm.evals.routing import load, run_routing_eval
from hrm.retrieval.embeddings import FakeEmbedder


def test_the_dataset_is_large_varied_and_labelled_with_real_tools() -> None:
    from hrm.tools import registry

    cases, scripts = load()
    assert len(cases) >= 150
    assert {c.persona for c in cases} == {"employee", "manager", "hr"}
    assert {c.split for c in cases} == {"dev", "held_out", "held_out_2"}
    labels = {c.tool for c in cases} | {t["tool"] for s in scripts for t in s["turns"]}
    assert labels - {"greeting", "help", "out_of_scope"} <= set(registry.names())
    assert all(len(s["turns"]) >= 10 for s in scripts)


@pytest.fixture(scope="module")
async def result(db: Database) -> dict[str, Any]:
    return await run_routing_eval(db, FakeEmbedder())


async def test_routing_eval_reports_accuracy_confusion_and_conversations(result: dict[str, Any]) -> None:
    metrics = result["metrics"]
    assert result["suite"] == "routing" and result["passed"] == (metrics["accuracy"] >= 0.90)
    confusion = metrics["confusion"]
    assert sum(sum(row.values()) for row in confusion.values()) == metrics["utterances"]
    correct = sum(row.get(intent, 0) for intent, row in confusion.items())
    assert correct / metrics["utterances"] == pytest.approx(metrics["accuracy"], abs=1e-3)
    assert metrics["accuracy"] >= 0.8, metrics["misses"]
    assert metrics["conversation_turns"] == 30
    assert metrics["conversation_turn_accuracy"] >= 0.8, metrics["conversation_misses"]
