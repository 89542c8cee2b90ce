"""The job-description eval runs end to end on the test database and meets its thresholds."""

from hrm.core.db import Database
from hrm.evals.jd import load_requests, run_jd_eval
from hrm.retrieval.embeddings import FakeEmbedder


def test_dataset_has_the_cases_the_issue_asks_for() -> None:
    requests = load_requests()
    assert len(requests) >= 20 and len({r["id"] for r in requests}) == len(requests)
    assert sum(1 for r in requests if r.get("biased")) >= 5
    turns = [t for r in requests for t in r.get("refinements", [])]
    assert len(turns) >= 10 and any(t["expect"].get("declined") for t in turns)


async def test_jd_eval_passes(db: Database) -> None:
    result = await run_jd_eval(db, FakeEmbedder())
    assert result["suite"] == "jd"
    assert result["metrics"]["failures"] == [] and result["passed"], result["metrics"]
