"""The matching eval: hand-built cases with known answers, through the agent, on the test database."""

import pytest

from hrm.core.db import Database
from hrm.evals import matching
from hrm.evals.matching import Case, Check, load_cases, run_matching_eval
from hrm.retrieval.embeddings import FakeEmbedder


def test_cases_cover_the_four_tools_and_their_refusals() -> None:
    cases = load_cases()
    assert len({c.id for c in cases}) == len(cases)
    tools = {"find_candidates", "match_roles", "analyze_gap", "plan_career_path", "team_skills"}
    assert {c.tool for c in cases} == tools
    assert {c.tool for c in cases if not c.ok} == tools  # every tool refuses someone


async def test_matching_eval_passes(db: Database) -> None:
    result = await run_matching_eval(db, FakeEmbedder())
    assert result["metrics"]["failures"] == [] and result["passed"], result["metrics"]
    assert result["metrics"]["cases"] == len(load_cases())


async def test_a_wrong_answer_or_a_leak_fails_the_eval(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    wrong = [
        Case(id="wrong-best", caller="hr", ask="who could fill a Senior Data Engineer role?", tool="find_candidates",
             ok=True, checks=[Check(at="candidates.0.person.name", expected="Omar Haddad")]),
        Case(id="leak", caller="boss", ask="any single points of failure?", tool="team_skills", ok=True,
             text_lacks=["Kai Sato"]),
        Case(id="not-refused", caller="boss", ask="who on my team knows Kubernetes?", tool="team_skills", ok=False),
        Case(id="wrong-tool", caller="dana", ask="what roles could I move to?", tool="analyze_gap", ok=True),
    ]  # fmt: skip
    monkeypatch.setattr(matching, "load_cases", lambda: wrong)
    result = await run_matching_eval(db, FakeEmbedder())
    assert not result["passed"] and result["metrics"]["accuracy"] == 0.0
    problems = {f["id"]: f["problems"] for f in result["metrics"]["failures"]}
    assert problems["wrong-best"] == ["candidates.0.person.name: expected 'Omar Haddad', got 'Dana Ito'"]
    assert problems["leak"] == ["reply reveals 'Kai Sato'"]
    assert problems["not-refused"] == ["answered where it must refuse"]
    assert problems["wrong-tool"] == ["answered by match_roles, expected analyze_gap"]
