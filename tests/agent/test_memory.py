"""Conversation memory: the focus is stored in Postgres and follow-ups use it."""

from hrm.agent.memory import Focus, after_tool
from hrm.agent.service import Agent
from hrm.tools import registry
from hrm.tools.context import Deps
from tests.conftest import PrincipalFactory


def test_focus_survives_a_round_trip_through_state() -> None:
    focus = Focus(person="luca@acme.test", role="Data Engineer", jd_id="x", last_tool="analyze_gap",
                  last_args={"role": "Data Engineer"})  # fmt: skip
    assert Focus.from_state(focus.to_state()) == focus
    assert Focus.from_state({"focus": {"role": 3}}) == Focus()


def test_a_job_description_id_comes_from_the_tool_output() -> None:
    focus = after_tool(Focus(), "generate_job_description", {"title": "Data Engineer"}, {"jd_id": "abc"})
    assert focus.jd_id == "abc" and focus.role == "Data Engineer"


async def test_follow_ups_change_one_thing_of_the_last_question(deps: Deps, as_person: PrincipalFactory) -> None:
    agent = Agent(deps, registry)
    mike = await as_person("mike@acme.test")
    first = await agent.ask(mike, "what skills does Eve have?", conversation_id="mem-mike-1", channel="test")
    assert first.tool_calls[0].name == "get_profile" and first.tool_calls[0].ok
    second = await agent.ask(mike, "what about Luca?", conversation_id="mem-mike-1", channel="test")
    assert second.tool_calls[0].name == "get_profile" and second.tool_calls[0].args == {"person": "Luca"}
    assert second.data["get_profile"]["person"]["email"] == "luca@acme.test"
