"""The load benchmark, shortened: the real server on loopback, a few clients for a few seconds."""

from hrm.core.db import Database
from hrm.evals.load_bench import run_load_bench
from hrm.retrieval.embeddings import FakeEmbedder


async def test_a_short_load_run_reports_throughput_latency_and_no_errors(db: Database) -> None:
    result = await run_load_bench(db, FakeEmbedder(), clients=6, seconds=3)
    metrics = result["metrics"]
    assert result["suite"] == "load"
    assert metrics["errors"] == 0, metrics["errors_by_kind"]
    assert result["passed"] is True
    assert metrics["search"]["requests"] > 0 and metrics["chat"]["requests"] > 0
    assert metrics["requests_per_second"] > 0
    assert 0 < metrics["p50_ms"] <= metrics["p95_ms"]
