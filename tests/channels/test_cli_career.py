"""Hand-built cases with known answers, asked through ``hrm ask`` as a user would: the best
candidate for a role, a career path, a team gap and a single point of failure."""

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from hrm.core.db import Database
from hrm.core.settings import Settings
from hrm.evals.matching import organisation_csvs
from hrm.tools.org_import import import_org
from tests.channels.test_cli import hrm


@pytest.fixture(scope="module")
async def careerco(db: Database) -> AsyncIterator[None]:
    csvs = organisation_csvs("careerco")  # the matching eval's organisation, under a slug of its own
    await import_org(
        db, "careerco", name="CareerCo", people_csv=csvs["people"], skills_csv=csvs["skills"], roles_csv=csvs["roles"]
    )
    yield


def ask(settings: Settings, who: str, question: str) -> dict[str, Any]:
    result = hrm(settings, "ask", "--org", "careerco", "--as", who, "--json", question)
    assert result.returncode == 0, result.stderr
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


@pytest.mark.usefixtures("careerco")
def test_known_best_candidate(settings: Settings) -> None:
    payload = ask(settings, "hr@careerco.test", "who could fill a Senior Data Engineer role?")
    assert payload["tool_calls"][0]["name"] == "find_candidates" and payload["tool_calls"][0]["ok"]
    candidates = payload["data"]["find_candidates"]["candidates"]
    assert candidates[0]["person"]["name"] == "Dana Ito"
    assert "1. Dana Ito" in payload["text"] and "meets 3 of 3 essential skills" in payload["text"]


@pytest.mark.usefixtures("careerco")
def test_known_path(settings: Settings) -> None:
    payload = ask(settings, "dana@careerco.test", "how do I get from Junior Software Engineer to Staff Engineer?")
    out = payload["data"]["plan_career_path"]
    steps = [s["to_role"]["title"] for s in out["paths"][0]["steps"]]
    assert steps == ["Software Engineer", "Senior Software Engineer", "Staff Engineer"]
    assert "Path 1" in payload["text"]


@pytest.mark.usefixtures("careerco")
def test_known_team_gap_and_single_point_of_failure(settings: Settings) -> None:
    gaps = ask(settings, "boss@careerco.test", "where is my team weak?")
    priorities = {p["skill"]: p for p in gaps["data"]["team_skills"]["priorities"]}
    # Essential for the organisation's SRE role; the best in the team is Kai at 1.
    terraform = priorities["Terraform"]
    assert terraform["kind"] == "gap" and "Site Reliability Engineer" in terraform["roles"]
    assert "Kai Sato" in terraform["action"]
    assert "Terraform" in gaps["text"]
    spof = ask(settings, "boss@careerco.test", "any single points of failure?")
    points = {p["skill"]: p["holder"]["name"] for p in spof["data"]["team_skills"]["single_points"]}
    assert points["Kubernetes"] == "Kai Sato"
    assert "Kubernetes: only Kai Sato" in spof["text"]


@pytest.mark.usefixtures("careerco")
def test_employees_are_refused_team_views_and_candidate_ranking(settings: Settings) -> None:
    payload = ask(settings, "omar@careerco.test", "who could fill a Senior Data Engineer role?")
    assert payload["tool_calls"][0]["ok"] is False
    assert "Dana" not in payload["text"] and "managers and HR" in payload["text"]
    spof = ask(settings, "omar@careerco.test", "any single points of failure?")
    assert spof["tool_calls"][0]["ok"] is False and "Kai" not in spof["text"]


@pytest.mark.usefixtures("careerco")
def test_a_job_description_drafted_and_refined_over_three_turns(settings: Settings) -> None:
    def turn(question: str) -> dict[str, Any]:
        result = hrm(settings, "ask", "--org", "careerco", "--as", "hr@careerco.test", "--conversation", "jd-1",
                     "--json", question)  # fmt: skip
        assert result.returncode == 0, result.stderr
        payload: dict[str, Any] = json.loads(result.stdout)
        return payload

    draft = turn("draft a JD for a senior data engineer in Berlin")
    assert draft["tool_calls"][0]["name"] == "generate_job_description"
    jd_id = draft["data"]["generate_job_description"]["jd_id"]
    senior = turn("make it more senior")
    assert senior["tool_calls"][0] == {
        "name": "refine_job_description", "args": {"jd_id": jd_id, "instruction": "make it more senior"}, "ok": True,
    }  # fmt: skip
    assert senior["data"]["refine_job_description"]["version"] == 2
    k8s = turn("add Kubernetes as essential")
    out = k8s["data"]["refine_job_description"]
    assert out["version"] == 3 and "Kubernetes" in out["diff"]
    essentials = {s["name"] for s in out["job_description"]["skills"] if s["importance"] == "essential"}
    assert "Kubernetes" in essentials
    versions = turn("show the versions")
    assert [v["version"] for v in versions["data"]["list_job_description_versions"]["versions"]] == [1, 2, 3]
