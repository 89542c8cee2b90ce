"""Routing of career and team questions (no database: the planner only reads text)."""

from uuid import uuid4

import pytest

from hrm.agent.plan import ToolStep
from hrm.agent.rules import RuleBasedPlanner
from hrm.agent.slots import OrgDirectory, place_in
from hrm.core.principals import AppRole, Principal

ME = Principal(
    org_id=uuid4(), org_slug="acme", person_id=uuid4(), email="me@acme.test", display_name="Me Too", role=AppRole.HR
)
TOOLS = ["get_profile", "search_skills", "match_roles", "find_candidates", "analyze_gap", "plan_career_path",
         "team_skills"]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "tool", "args"),
    [
        ("what roles could I move to?", "match_roles", {}),
        ("What could I become?", "match_roles", {}),
        ("which roles fit me best", "match_roles", {}),
        ("what roles could Marta do?", "match_roles", {"person": "Marta"}),
        ("cosa potrei diventare?", "match_roles", {}),
        ("what am I missing to become a DevOps Engineer?", "analyze_gap", {"role": "DevOps Engineer"}),
        (
            "what is Marta missing for the Data Scientist role",
            "analyze_gap",
            {"role": "Data Scientist", "person": "Marta"},
        ),
        ("am i ready for Senior Data Analyst", "analyze_gap", {"role": "Senior Data Analyst"}),
        ("gap to Product Manager", "analyze_gap", {"role": "Product Manager"}),
        ("cosa mi manca per diventare Data Engineer?", "analyze_gap", {"role": "Data Engineer"}),
        ("how do I become a Staff Engineer?", "plan_career_path", {"target": "Staff Engineer"}),
        ("career path to Head of Data", "plan_career_path", {"target": "Head of Data"}),
        (
            "how do i get from Junior Software Engineer to Staff Engineer",
            "plan_career_path",
            {"target": "Staff Engineer", "from_role": "Junior Software Engineer"},
        ),
        ("how long to become an Engineering Manager?", "plan_career_path", {"target": "Engineering Manager"}),
        ("come posso diventare Data Scientist?", "plan_career_path", {"target": "Data Scientist"}),
        ("who could fill a Senior Data Engineer role?", "find_candidates", {"role": "Senior Data Engineer"}),
        ("candidates for Account Executive", "find_candidates", {"role": "Account Executive"}),
        ("best person for the Analytics Engineer position", "find_candidates", {"role": "Analytics Engineer"}),
        ("who on my team knows Kubernetes?", "team_skills", {"view": "who_knows", "skill": "Kubernetes"}),
        ("who knows dbt", "team_skills", {"view": "who_knows", "skill": "dbt"}),
        (
            "how many people in Engineering know Go?",
            "team_skills",
            {"view": "who_knows", "skill": "Go", "team": "Engineering"},
        ),
        ("any single points of failure?", "team_skills", {"view": "spof"}),
        ("what's our bus factor", "team_skills", {"view": "spof"}),
        ("who could cover for Marta?", "team_skills", {"view": "cover", "cover_for": "Marta"}),
        ("where is my team weak?", "team_skills", {"view": "priorities"}),
        ("what are my team's skill gaps?", "team_skills", {"view": "priorities"}),
        ("show the skills matrix", "team_skills", {"view": "matrix"}),
        ("my team's skills", "team_skills", {"view": "summary"}),
        ("chi nel team conosce Python?", "team_skills", {"view": "who_knows", "skill": "Python"}),
    ],
)
async def test_career_and_team_questions_route_to_their_tools(text: str, tool: str, args: dict[str, object]) -> None:
    plan = await RuleBasedPlanner().plan(text, ME, TOOLS)
    assert plan == ToolStep(tool, args)


async def test_a_question_for_a_tool_the_caller_lacks_still_reaches_the_registry() -> None:
    # The registry refuses it with a plain reason and audits it; the planner does not guess.
    plan = await RuleBasedPlanner().plan("who could fill a Data Engineer role?", ME, ["get_profile"])
    assert plan == ToolStep("find_candidates", {"role": "Data Engineer"})


@pytest.mark.parametrize(
    ("text", "role", "location"),
    [
        ("who could fill a Senior Data Engineer role?", "Senior Data Engineer", None),
        ("who could fill a Data Engineer role in Lisbon?", "Data Engineer", "Lisbon"),
        ("candidates for a Site Reliability Engineer based in Berlin", "Site Reliability Engineer", "Berlin"),
        ("chi potrebbe fare il Data Engineer a Torino?", "Data Engineer", "Torino"),
    ],
)
def test_words_of_the_role_are_never_a_location(text: str, role: str, location: str | None) -> None:
    people = OrgDirectory(names={}, departments={"data": "Data"}, locations={"berlin": "Berlin"})
    assert place_in(text, people, role=role)[0] == location
