"""The groundedness guard: names in a reply must come from the turn's tool outputs or the user's
message; a failing reply is regenerated once, then replaced by the template answer."""

from langchain_core.messages import BaseMessage, HumanMessage

from hrm.agent import composer
from hrm.agent.conversations import add_message, open_conversation
from hrm.agent.grounding import Grounding, check_reply, evidence_for
from hrm.agent.llm.agent import LLMResponder, message_data
from hrm.agent.llm.config import LLMOptions
from hrm.agent.llm.scripted import ScriptedChatModel, calls, says, tool_call
from hrm.agent.llm.usage import conversation_usage
from hrm.core.principals import Principal
from hrm.tools import registry
from hrm.tools.context import Deps
from tests.conftest import PrincipalFactory


async def check(deps: Deps, caller: Principal, reply: str, *outputs: object, user: str = "") -> Grounding:
    async with deps.db.org_tx(caller.org_id) as conn:
        return await check_reply(conn, reply, evidence_for(user, caller, outputs))


def ungrounded(result: Grounding) -> list[str]:
    return [m.text for m in result.ungrounded]


async def test_names_are_found_and_checked_against_the_evidence(deps: Deps, as_person: PrincipalFactory) -> None:
    mike = await as_person("mike@acme.test")
    output = {"people": [{"name": "Marta Bianchi", "skills": [{"name": "Kubernetes", "level": 3}]}]}

    grounded = await check(deps, mike, "Marta Bianchi knows k8s at level 3, Mike.", output)
    assert grounded.ok and {m.kind for m in grounded.mentions} == {"person", "skill"}

    invented = await check(
        deps, mike, "Marta knows Kubernetes; Luca Conti knows Rust and could be a Data Engineer.", output
    )
    assert ungrounded(invented) == ["Luca Conti", "Rust", "Data Engineer"]
    assert [m.kind for m in invented.ungrounded] == ["person", "skill", "role"]

    # The user's message grounds what it names; ordinary words are not names.
    asked = await check(
        deps, mike, "Go ahead: Luca is not in the results, so try another search.", user="what about luca?"
    )
    assert asked.ok and [m.text for m in asked.mentions] == ["Luca"]


async def test_names_from_another_organisation_are_not_people_here(deps: Deps, as_person: PrincipalFactory) -> None:
    # Row-level security scopes the people lookup: Globex's Otto is no person of Acme, and Acme's
    # Luca is no person of Globex.
    otto = await as_person("otto@globex.test")
    result = await check(deps, otto, "Luca Conti and Otto can help.")
    assert [m.kind for m in result.mentions] == ["person"] and result.mentions[0].text == "Otto"


def skills_of(messages: list[BaseMessage]) -> str:
    content = str([m for m in messages if m.type == "tool"][-1].content)
    names = [s for s in ("Python", "Kubernetes", "PostgreSQL") if s in content]
    return ", ".join(names)


async def test_an_ungrounded_reply_is_regenerated_once(deps: Deps, as_person: PrincipalFactory) -> None:
    marta = await as_person("marta@acme.test")
    model = ScriptedChatModel(
        script=[
            calls(tool_call("get_profile"), tokens=(100, 10)),
            says("You know Python and Rust; Luca Conti could mentor you.", tokens=(200, 20)),
            lambda seen: says(f"You know {skills_of(seen)}.", tokens=(250, 15)),
        ]
    )
    llm = LLMResponder(model, registry, model_name="gpt-4o-mini", options=LLMOptions())
    reply = await llm.answer("what do I know?", marta, deps)

    assert reply.regenerated and not reply.templated and reply.grounding["ok"]
    assert reply.text == "You know Python, Kubernetes, PostgreSQL."
    correction = model.seen[2][-1]
    assert isinstance(correction, HumanMessage)
    assert "“Rust”" in str(correction.content) and "“Luca Conti”" in str(correction.content)
    assert (reply.usage.input_tokens, reply.usage.output_tokens, reply.usage.calls) == (550, 45, 3)
    assert reply.usage.cost_usd is not None and reply.usage.cost_usd > 0


async def test_a_reply_failing_twice_is_replaced_by_the_template(deps: Deps, as_person: PrincipalFactory) -> None:
    marta = await as_person("marta@acme.test")
    model = ScriptedChatModel(
        script=[
            calls(tool_call("get_profile"), tokens=(100, 10)),
            says("You are an Expert in Rust.", tokens=(200, 20)),
            says("Fine: Luca Conti is your Rust mentor.", tokens=(220, 12)),
        ]
    )
    llm = LLMResponder(model, registry, model_name="scripted", options=LLMOptions())
    reply = await llm.answer("what do I know?", marta, deps)

    assert reply.regenerated and reply.templated
    assert [u["text"] for u in reply.grounding["ungrounded"]] == ["Luca Conti", "Rust"]
    profile = await registry.call("get_profile", {}, marta, deps, channel="test")
    assert reply.text == composer.tool_reply("get_profile", profile)
    assert "Rust" not in reply.text and "Luca" not in reply.text
    assert reply.usage.total_tokens == 562 and reply.usage.cost_usd is None

    # Usage is kept with the conversation's messages and summed per conversation.
    async with deps.db.org_tx(marta.org_id) as conn:
        await open_conversation(conn, marta, "conv-llm-usage", "test")
        for _ in range(2):
            await add_message(conn, marta, "conv-llm-usage", "assistant", reply.text, message_data(reply))
        total = await conversation_usage(conn, "conv-llm-usage")
    assert (total.input_tokens, total.output_tokens, total.calls) == (1040, 84, 6)
    assert total.cost_usd is None


async def test_a_provider_failure_while_regenerating_keeps_the_template(
    deps: Deps, as_person: PrincipalFactory
) -> None:
    mike = await as_person("mike@acme.test")
    model = ScriptedChatModel(
        script=[calls(tool_call("team_skills", {"view": "summary"})), says("Eve Novak is your JavaScript expert.")]
    )  # nothing scripted for the regeneration: the call fails
    llm = LLMResponder(model, registry, model_name="scripted", options=LLMOptions())
    reply = await llm.answer("team skills", mike, deps)

    assert reply.regenerated and reply.templated
    assert "JavaScript" in [u["text"] for u in reply.grounding["ungrounded"]]
    assert reply.text == composer.tool_reply(
        "team_skills", await registry.call("team_skills", {"view": "summary"}, mike, deps, channel="test")
    )
