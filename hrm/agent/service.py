"""The agent: one chat turn from a person's message to a grounded reply.

The planner picks a tool; the registry runs it under the caller's principal (permissions and
row-level security apply there, not here); the composer phrases the result.
"""

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from hrm.agent import composer
from hrm.agent.conversations import add_message, new_conversation_id, open_conversation, recent_messages
from hrm.agent.memory import Focus, after_tool, load_focus, save_focus
from hrm.agent.plan import ContextPlanner, DirectReply, Plan, Planner, ToolStep, TurnContext
from hrm.agent.reply import Reply, ToolCall
from hrm.agent.rules import RuleBasedPlanner
from hrm.core.errors import HRMError
from hrm.core.principals import Principal
from hrm.tools.context import Deps
from hrm.tools.registry import Registry

if TYPE_CHECKING:
    from hrm.agent.llm.agent import LLMResponder

__all__ = ["Agent", "Reply", "ToolCall"]

log = logging.getLogger(__name__)
HISTORY_TURNS = 12  # earlier messages a language model sees

MAX_MESSAGE_CHARS = 4000


class Agent:
    def __init__(
        self,
        deps: Deps,
        registry: Registry,
        planner: Planner | None = None,
        responder: "LLMResponder | None" = None,
    ) -> None:
        self.deps = deps
        self.registry = registry
        self.planner: Planner = planner or RuleBasedPlanner()
        # The language model, when one is configured; the rule-based planner answers otherwise and
        # whenever the model fails (its circuit breaker lives as long as this agent).
        self.responder = responder

    async def ask(self, principal: Principal, text: str, *, conversation_id: str | None = None, channel: str) -> Reply:
        conversation_id = conversation_id or new_conversation_id()
        # Postgres text cannot hold NUL; a message is text, so control characters other than
        # line breaks and tabs go before anything is stored or planned.
        text = "".join(ch for ch in text if ch >= " " or ch in "\n\t")
        async with self.deps.db.org_tx(principal.org_id) as conn:
            await open_conversation(conn, principal, conversation_id, channel)
            history = await recent_messages(conn, principal, conversation_id, HISTORY_TURNS)
            await add_message(conn, principal, conversation_id, "user", text[:MAX_MESSAGE_CHARS], {})
            focus = await load_focus(conn, principal, conversation_id)

        reply = await self._reply(principal, text[:MAX_MESSAGE_CHARS], channel, focus, history)
        reply.conversation_id = conversation_id
        async with self.deps.db.org_tx(principal.org_id) as conn:
            for call in reply.tool_calls:
                focus = after_tool(focus, call.name, call.args, reply.data.get(call.name) if call.ok else None)
            if reply.tool_calls:
                await save_focus(conn, principal, conversation_id, focus)
            await add_message(
                conn,
                principal,
                conversation_id,
                "assistant",
                reply.text,
                {"tool_calls": [c.public() for c in reply.tool_calls], "planner": reply.planner, **_extra(reply)},
            )
        return reply

    async def _reply(
        self, principal: Principal, text: str, channel: str, focus: Focus, history: Sequence[tuple[str, str]]
    ) -> Reply:
        if self.responder is None:
            return await self._answer(principal, text, channel, focus)
        from hrm.agent.llm.agent import answer_with_fallback  # the LLM stack loads only when configured

        return await answer_with_fallback(
            self.responder,
            text,
            principal,
            self.deps,
            history,
            channel=channel,
            fallback=lambda: self._answer(principal, text, channel, focus),
        )

    async def _answer(self, principal: Principal, text: str, channel: str, focus: Focus) -> Reply:
        tools = [spec.name for spec in self.registry.available_to(principal, in_chat=True)]
        plan = await self._plan(principal, text, tools, focus)
        if isinstance(plan, DirectReply):
            text = self._direct(plan, principal, tools)
            return Reply(text=text, conversation_id="", planner=self.planner.name, direct=plan.kind)
        return await self._run(plan, principal, channel)

    async def _plan(self, principal: Principal, text: str, tools: list[str], focus: Focus) -> Plan:
        if not isinstance(self.planner, ContextPlanner):
            return await self.planner.plan(text, principal, tools)
        # Read-only linking of names, roles and skills, under the caller's organisation.
        async with self.deps.db.org_tx(principal.org_id) as conn:
            context = TurnContext(focus=focus, conn=conn, embedder=self.deps.embedder)
            return await self.planner.plan_in_context(text, principal, tools, context)

    def _direct(self, plan: DirectReply, principal: Principal, tools: list[str]) -> str:
        if plan.kind in ("help", "greeting"):
            return composer.help_reply(principal, tools, greeting=plan.kind == "greeting")
        if plan.kind == "clarify":
            return composer.clarify_reply(plan.detail, tools)
        return composer.not_yet_reply(tools)

    async def _run(self, step: ToolStep, principal: Principal, channel: str) -> Reply:
        try:
            output = await self.registry.call(
                step.tool, step.args, principal, self.deps, channel=channel, from_chat=True
            )
        except HRMError as exc:
            call = ToolCall(step.tool, step.args, ok=False, error=exc.code)
            text = composer.error_reply(exc.code, exc.message)
            return Reply(text=text, conversation_id="", tool_calls=[call], planner=self.planner.name)
        except Exception:
            log.exception("tool %s failed", step.tool)
            call = ToolCall(step.tool, step.args, ok=False, error="internal_error")
            return Reply(
                text=composer.error_reply("internal_error", ""),
                conversation_id="",
                tool_calls=[call],
                planner=self.planner.name,
            )
        data = output.model_dump(mode="json")
        return Reply(
            text=composer.tool_reply(step.tool, output),
            conversation_id="",
            tool_calls=[ToolCall(step.tool, step.args, ok=True)],
            data={step.tool: data},
            planner=self.planner.name,
        )


def _extra(reply: Reply) -> dict[str, object]:
    """Usage, grounding or fallback details of a language-model turn, kept with the message."""
    if type(reply) is Reply:
        return {}
    from hrm.agent.llm.agent import message_data

    return message_data(reply)
