"""The LLM planner with a scripted chat model: the right tool runs as the caller, refusals come from
the registry, other organisations stay invisible, and tool outputs reach the model as delimited data."""

import json

import pytest
from langchain_core.messages import BaseMessage, SystemMessage, ToolMessage

from hrm.agent.llm.agent import LLMResponder, ProviderFailure, answer_with_fallback, message_data
from hrm.agent.llm.config import LLMOptions
from hrm.agent.llm.scripted import ScriptedChatModel, calls, says, tool_call
from hrm.agent.service import Agent, Reply
from hrm.tools import registry
from hrm.tools.context import Deps
from tests.conftest import PrincipalFactory


def responder(model: ScriptedChatModel, **options: object) -> LLMResponder:
    return LLMResponder(model, registry, model_name="scripted", options=LLMOptions(**options))  # type: ignore[arg-type]


def tool_messages(model: ScriptedChatModel) -> list[ToolMessage]:
    return [m for m in model.seen[-1] if isinstance(m, ToolMessage)]


def tool_payload(message: BaseMessage) -> dict[str, object]:
    content = str(message.content)
    assert content.startswith("<tool_output ") and content.endswith("</tool_output>")
    body = content.split("\n", 1)[1].rsplit("\n", 1)[0]
    payload: dict[str, object] = json.loads(body)
    return payload


def skills_in_last_output(messages: list[BaseMessage]) -> list[str]:
    payload = tool_payload([m for m in messages if isinstance(m, ToolMessage)][-1])
    return [str(s["name"]) for s in payload["skills"]]  # type: ignore[attr-defined]


async def test_the_model_calls_the_profile_tool_as_the_caller(deps: Deps, as_person: PrincipalFactory) -> None:
    marta = await as_person("marta@acme.test")
    model = ScriptedChatModel(
        script=[
            calls(tool_call("get_profile"), tokens=(120, 8)),
            lambda seen: says("You have " + ", ".join(skills_in_last_output(seen)) + ".", tokens=(300, 25)),
        ]
    )
    reply = await responder(model).answer("what am I good at?", marta, deps)

    assert [(c.name, c.ok) for c in reply.tool_calls] == [("get_profile", True)]
    assert reply.data["get_profile"]["person"]["email"] == "marta@acme.test"
    for skill in ("Python", "Kubernetes", "PostgreSQL"):
        assert skill in reply.text
    assert reply.planner == "llm" and not reply.regenerated and not reply.templated
    # Only what an employee may use is offered; team-wide tools are not.
    assert "get_profile" in model.bound_tools and "find_candidates" not in model.bound_tools
    system = model.seen[0][0]
    assert isinstance(system, SystemMessage)
    assert "you cannot see other people's data unless a tool returns it" in str(system.content)
    assert "find_candidates" in str(system.content).split("does not include", 1)[1]
    assert tool_payload(tool_messages(model)[0])["person"]["email"] == "marta@acme.test"  # type: ignore[index]
    assert (reply.usage.input_tokens, reply.usage.output_tokens, reply.usage.calls) == (420, 33, 2)
    assert reply.usage.cost_usd is None  # no price known for this model: tokens only
    assert message_data(reply)["usage"]["total_tokens"] == 453


async def test_a_tool_the_caller_may_not_use_is_refused_by_the_registry(
    deps: Deps, as_person: PrincipalFactory
) -> None:
    sam = await as_person("sam@acme.test")
    model = ScriptedChatModel(
        script=[
            calls(tool_call("find_candidates", {"role": "Senior Software Engineer"})),
            says("Ranking people for a role is not available to your role."),
        ]
    )
    reply = await responder(model).answer("who could fill the senior software engineer role?", sam, deps)

    assert [(c.name, c.ok, c.error) for c in reply.tool_calls] == [("find_candidates", False, "permission_denied")]
    assert reply.data == {}
    refusal = tool_payload(tool_messages(model)[0])
    assert refusal["error"] == "permission_denied" and "managers and HR" in str(refusal["message"])
    # The registry audited the attempt as Sam's, which a prompt-level refusal could not do.
    async with deps.db.org_tx(sam.org_id) as conn:
        cur = await conn.execute(
            "SELECT ok, error_code FROM audit_log WHERE actor_id = %s AND tool = 'find_candidates' ORDER BY id DESC",
            (sam.person_id,),
        )
        row = await cur.fetchone()
    assert row is not None and row["ok"] is False and row["error_code"] == "permission_denied"


async def test_a_model_asking_for_another_organisations_data_gets_nothing(
    deps: Deps, as_person: PrincipalFactory
) -> None:
    hana = await as_person("hana@acme.test")  # HR sees all of Acme, and nothing of Globex
    model = ScriptedChatModel(
        script=[
            calls(
                tool_call("get_profile", {"person": "otto@globex.test"}, call_id="a"),
                tool_call("get_profile", {"person": "Otto Fischer", "org": "globex"}, call_id="b"),
                tool_call("team_skills", {"team": "R&D", "view": "summary"}, call_id="c"),
            ),
            says("I couldn't find that person."),
        ]
    )
    reply = await responder(model).answer("what skills does otto@globex.test have?", hana, deps)

    assert reply.tool_calls and not any(c.ok and c.name == "get_profile" for c in reply.tool_calls)
    seen = " ".join(str(m.content) for m in tool_messages(model))
    # Only what the model itself wrote comes back (the name it asked for); nothing Globex holds does.
    for secret in ("Secret Project", "Paris", "UGLOBOTTO", "Moreau", "Gina"):
        assert secret not in seen
    assert reply.data == {}


async def test_history_reaches_the_model_and_step_limit_falls_back(deps: Deps, as_person: PrincipalFactory) -> None:
    marta = await as_person("marta@acme.test")
    looping = ScriptedChatModel(script=[calls(tool_call("search_skills", {"query": "python"})) for _ in range(10)])
    llm = responder(looping, max_steps=2)
    history = [("user", "hi"), ("assistant", "Hello Marta! Ask me about skills.")]

    async def rules() -> Reply:
        return await Agent(deps, registry).ask(marta, "what skills do I have?", channel="test")

    reply = await answer_with_fallback(
        llm, "what skills do I have?", marta, deps, history, channel="test", fallback=rules
    )

    assert [type(m).__name__ for m in looping.seen[0][1:4]] == ["HumanMessage", "AIMessage", "HumanMessage"]
    assert reply.text.startswith("The language model could not settle on an answer")
    assert "Python" in reply.text and reply.planner == "rules"
    assert message_data(reply) == {"llm_fallback": "step_limit"}
    assert llm.breaker.state == "closed"  # the provider answered; only the model went round in circles


async def test_the_breaker_refuses_before_calling_the_model(deps: Deps, as_person: PrincipalFactory) -> None:
    marta = await as_person("marta@acme.test")
    model = ScriptedChatModel(script=[])
    llm = responder(model, breaker_failures=1)
    llm.breaker.record_failure()
    try:
        await llm.answer("hi", marta, deps)
    except ProviderFailure as failure:
        assert failure.reason == "breaker_open"
    else:
        raise AssertionError("an open breaker must not let the turn through")
    assert model.seen == []


async def test_a_tool_that_needs_confirmation_is_never_run_from_chat(deps: Deps, as_person: PrincipalFactory) -> None:
    unconfirmable = [name for name in registry.names() if not getattr(registry.get(name), "chat", True)]
    if not unconfirmable:
        pytest.skip("no tool needs a confirmation outside the chat")
    eve = await as_person("eve@acme.test")
    model = ScriptedChatModel(
        script=[
            calls(*(tool_call(name, {"confirm": True}, call_id=f"c{i}") for i, name in enumerate(unconfirmable))),
            says("That needs your confirmation outside the chat."),
        ]
    )
    reply = await responder(model).answer("erase all my data now, I confirm", eve, deps)

    assert not set(unconfirmable) & set(model.bound_tools)
    assert {(c.name, c.ok, c.error) for c in reply.tool_calls} == {
        (name, False, "permission_denied") for name in unconfirmable
    }
    profile = await registry.call("get_profile", {}, eve, deps, channel="test")
    assert "JavaScript" in profile.model_dump_json()  # nothing was erased


async def test_the_agent_answers_with_the_model_and_keeps_usage_with_the_message(
    deps: Deps, as_person: PrincipalFactory
) -> None:
    from hrm.agent.service import Agent
    from hrm.tools import registry

    marta = await as_person("marta@acme.test")
    model = ScriptedChatModel(
        script=[
            calls(tool_call("get_profile"), tokens=(100, 5)),
            lambda seen: says("You have " + ", ".join(skills_in_last_output(seen)) + ".", tokens=(200, 20)),
        ]
    )
    agent = Agent(deps, registry, responder=responder(model))
    reply = await agent.ask(marta, "what am I good at?", conversation_id="llm-agent-1", channel="test")
    assert reply.planner == "llm" and "Python" in reply.text
    async with deps.db.org_tx(marta.org_id) as conn:
        cur = await conn.execute(
            "SELECT data FROM messages WHERE conversation_id = 'llm-agent-1' AND sender = 'assistant'"
        )
        (row,) = await cur.fetchall()
    assert row["data"]["usage"]["total_tokens"] == 325
    assert row["data"]["tool_calls"] == [{"name": "get_profile", "args": {}, "ok": True}]
    # A provider that has gone away: the rule-based planner answers, saying so.
    broken = responder(ScriptedChatModel(script=[]), breaker_failures=1)
    broken.breaker.record_failure()
    fallback = await Agent(deps, registry, responder=broken).ask(marta, "what skills do I have?", channel="test")
    assert fallback.planner == "rules" and "Python" in fallback.text and fallback.text != "Python"
