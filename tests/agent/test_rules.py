"""Routing of the rule-based planner (no database: the planner only reads text)."""

from uuid import uuid4

import pytest

from hrm.agent.plan import DirectReply, ToolStep
from hrm.agent.rules import RuleBasedPlanner
from hrm.core.principals import AppRole, Principal

ME = Principal(
    org_id=uuid4(),
    org_slug="acme",
    person_id=uuid4(),
    email="me@acme.test",
    display_name="Me Too",
    role=AppRole.MANAGER,
)
TOOLS = ["get_profile", "search_skills"]


@pytest.mark.parametrize(
    ("text", "tool", "args"),
    [
        ("what skills do I have?", "get_profile", {}),
        ("What skills do i have", "get_profile", {}),
        ("show my skills", "get_profile", {}),
        ("my profile pls", "get_profile", {}),
        ("what am I good at?", "get_profile", {}),
        ("quali competenze ho?", "get_profile", {}),
        ("what skills does Marta have?", "get_profile", {"person": "Marta"}),
        ("What skills does marta@acme.test have", "get_profile", {"person": "marta@acme.test"}),
        ("show me Marta Bianchi's skills", "get_profile", {"person": "Marta Bianchi"}),
        ("Eve's profile", "get_profile", {"person": "Eve"}),
        ("skills of Luca Conti", "get_profile", {"person": "Luca Conti"}),
        ("che competenze ha Luca?", "get_profile", {"person": "Luca"}),
        ("search skills for kubernetes", "search_skills", {"query": "kubernetes", "limit": 10}),
        ("find skills like data viz", "search_skills", {"query": "data viz", "limit": 10}),
        ("is there a skill for 'prompt engineering'?", "search_skills", {"query": "prompt engineering", "limit": 10}),
        ("search k8s", "search_skills", {"query": "k8s", "limit": 10}),
        ("cerca competenze per python", "search_skills", {"query": "python", "limit": 10}),
    ],
)
async def test_routes_to_the_right_tool(text: str, tool: str, args: dict[str, object]) -> None:
    plan = await RuleBasedPlanner().plan(text, ME, TOOLS)
    assert plan == ToolStep(tool, args)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("help", "help"),
        ("what can you do?", "help"),
        ("hi!", "greeting"),
        ("ciao", "greeting"),
        ("", "help"),
        ("book me a flight to Rome", "not_yet"),
        ("what's the weather", "not_yet"),
    ],
)
async def test_direct_replies(text: str, kind: str) -> None:
    plan = await RuleBasedPlanner().plan(text, ME, TOOLS)
    assert isinstance(plan, DirectReply) and plan.kind == kind


async def test_never_plans_a_tool_the_caller_lacks() -> None:
    plan = await RuleBasedPlanner().plan("search skills for python", ME, ["get_profile"])
    assert isinstance(plan, DirectReply)
