"""The agent: one chat turn from a person's message to a grounded reply.

The planner picks a tool; the registry runs it under the caller's principal (permissions and
row-level security apply there, not here); the composer phrases the result.
"""

import logging
from dataclasses import dataclass, field
from typing import Any

from hrm.agent import composer
from hrm.agent.conversations import add_message, new_conversation_id, open_conversation
from hrm.agent.memory import Focus, after_tool, load_focus, save_focus
from hrm.agent.plan import ContextPlanner, DirectReply, Plan, Planner, ToolStep, TurnContext
from hrm.agent.rules import RuleBasedPlanner
from hrm.core.errors import HRMError, PermissionDenied
from hrm.core.principals import Principal
from hrm.tools.context import Deps
from hrm.tools.registry import Registry

log = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 4000


@dataclass(frozen=True)
class ToolCall:
    name: str
    args: dict[str, Any]
    ok: bool
    error: str | None = None

    def public(self) -> dict[str, Any]:
        return {"name": self.name, "args": self.args, "ok": self.ok}


@dataclass
class Reply:
    text: str
    conversation_id: str
    tool_calls: list[ToolCall] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    planner: str = ""
    direct: str = ""  # the kind of a reply without a tool: help, greeting, not_yet or clarify

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "tool_calls": [call.public() for call in self.tool_calls],
            "data": self.data,
            "conversation_id": self.conversation_id,
        }


class Agent:
    def __init__(self, deps: Deps, registry: Registry, planner: Planner | None = None) -> None:
        self.deps = deps
        self.registry = registry
        self.planner: Planner = planner or RuleBasedPlanner()

    async def ask(self, principal: Principal, text: str, *, conversation_id: str | None = None, channel: str) -> Reply:
        conversation_id = conversation_id or new_conversation_id()
        async with self.deps.db.org_tx(principal.org_id) as conn:
            await open_conversation(conn, principal, conversation_id, channel)
            await add_message(conn, principal, conversation_id, "user", text[:MAX_MESSAGE_CHARS], {})
            focus = await load_focus(conn, principal, conversation_id)

        reply = await self._answer(principal, text[:MAX_MESSAGE_CHARS], channel, focus)
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
                {"tool_calls": [c.public() for c in reply.tool_calls], "planner": reply.planner},
            )
        return reply

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
            if not self.registry.get(step.tool).chat:
                raise PermissionDenied(
                    "That can't be done in a chat message: it needs an explicit confirmation. In Slack, say "
                    "“delete my data” and press the button; or use `hrm privacy` or the REST API."
                )
            output = await self.registry.call(step.tool, step.args, principal, self.deps, channel=channel)
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
