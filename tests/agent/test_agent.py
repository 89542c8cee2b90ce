import pytest

from hrm.agent.service import Agent
from hrm.core.errors import PermissionDenied
from hrm.tools import registry
from hrm.tools.context import Deps
from tests.conftest import PrincipalFactory


@pytest.fixture
def agent(deps: Deps) -> Agent:
    return Agent(deps, registry)


async def test_my_skills_are_answered_from_the_profile_tool(agent: Agent, as_person: PrincipalFactory) -> None:
    reply = await agent.ask(await as_person("marta@acme.test"), "what skills do I have?", channel="test")
    payload = reply.to_json()
    assert [c["name"] for c in payload["tool_calls"]] == ["get_profile"]
    assert payload["tool_calls"][0]["ok"] is True
    for skill in ("Python", "Kubernetes", "PostgreSQL"):
        assert skill in reply.text
    assert payload["data"]["get_profile"]["person"]["email"] == "marta@acme.test"


async def test_someone_elses_skills_are_refused_without_revealing_them(
    agent: Agent, as_person: PrincipalFactory
) -> None:
    reply = await agent.ask(await as_person("sam@acme.test"), "what skills does Marta have?", channel="test")
    assert reply.tool_calls[0].ok is False
    assert "can't" in reply.text.lower()
    for secret in ("Python", "Kubernetes", "PostgreSQL"):
        assert secret not in reply.text
    assert reply.data == {}


async def test_manager_sees_a_report(agent: Agent, as_person: PrincipalFactory) -> None:
    reply = await agent.ask(await as_person("mike@acme.test"), "what skills does Eve have?", channel="test")
    assert reply.tool_calls[0].ok and "JavaScript" in reply.text and "Docker" in reply.text


async def test_search_and_help_and_not_yet(agent: Agent, as_person: PrincipalFactory) -> None:
    marta = await as_person("marta@acme.test")
    search = await agent.ask(marta, "search skills for k8s", channel="test")
    assert search.tool_calls[0].name == "search_skills" and "Kubernetes" in search.text
    help_reply = await agent.ask(marta, "what can you do?", channel="test")
    assert help_reply.tool_calls == [] and "search" in help_reply.text.lower()
    other = await agent.ask(marta, "order pizza for the team", channel="test")
    assert other.tool_calls == [] and "can't help with that yet" in other.text


async def test_conversations_are_stored_and_private(agent: Agent, as_person: PrincipalFactory, deps: Deps) -> None:
    marta = await as_person("marta@acme.test")
    first = await agent.ask(marta, "hi", conversation_id="conv-marta-1", channel="test")
    await agent.ask(marta, "what skills do I have?", conversation_id=first.conversation_id, channel="test")
    async with deps.db.org_tx(marta.org_id) as conn:
        cur = await conn.execute("SELECT sender FROM messages WHERE conversation_id = 'conv-marta-1' ORDER BY id")
        senders = [r["sender"] for r in await cur.fetchall()]
    assert senders == ["user", "assistant", "user", "assistant"]
    with pytest.raises(PermissionDenied):
        await agent.ask(await as_person("sam@acme.test"), "hi", conversation_id="conv-marta-1", channel="test")
    # The same id in another organisation is simply another conversation.
    otto = await as_person("otto@globex.test")
    assert (await agent.ask(otto, "hi", conversation_id="conv-marta-1", channel="test")).text
