"""The registry's tools as LangChain tools, bound to one caller for one turn.

The principal is closed over: no tool schema has a field for who is asking or which organisation,
so nothing the model writes can change them. Every call, including one for a tool the caller was
not offered, goes through ``Registry.call``, which validates, checks the permission, scopes the
database to the caller's organisation and audits. What comes back to the model is JSON inside
``<tool_output>`` delimiters: data to read, never instructions to follow.
"""

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from langchain.agents.middleware import AgentMiddleware
from langchain.agents.middleware.types import ToolCallRequest
from langchain_core.messages import ToolMessage
from langchain_core.tools import BaseTool, StructuredTool
from langgraph.types import Command
from pydantic import BaseModel

from hrm.core.audit import write_audit
from hrm.core.errors import HRMError, PermissionDenied
from hrm.core.principals import Principal
from hrm.tools.context import Deps
from hrm.tools.registry import Registry

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ToolRun:
    name: str
    args: dict[str, Any]
    output: BaseModel | None = None  # set when the call succeeded
    error_code: str | None = None
    error_message: str | None = None

    @property
    def ok(self) -> bool:
        return self.output is not None


@dataclass
class TurnLog:
    """What the tools returned during one turn: the grounding evidence and the reply's data."""

    runs: list[ToolRun] = field(default_factory=list)

    def successes(self) -> list[ToolRun]:
        return [run for run in self.runs if run.ok]


def delimit(tool: str, payload: dict[str, Any], *, ok: bool, limit: int) -> str:
    """Tool output as the model sees it: JSON data between delimiters it cannot be tricked out of."""
    # Escaping "<" keeps the JSON valid and means no text inside (a CV, a profile) can close the
    # delimiter early and pose as instructions.
    body = json.dumps(payload, ensure_ascii=False, default=str).replace("<", "\\u003c")
    if len(body) > limit:
        body = body[:limit] + " …[truncated]"
    status = "ok" if ok else "error"
    return f'<tool_output tool="{tool}" status="{status}">\n{body}\n</tool_output>'


class ToolGateway:
    """Runs registry tools as one caller and records each run in the turn's log."""

    def __init__(
        self,
        registry: Registry,
        principal: Principal,
        deps: Deps,
        turn: TurnLog,
        *,
        channel: str,
        output_chars: int = 12_000,
    ) -> None:
        self.registry = registry
        self.principal = principal
        self.deps = deps
        self.turn = turn
        self.channel = channel
        self.output_chars = output_chars

    async def run(self, name: str, args: dict[str, Any]) -> str:
        try:
            # Irreversible or consent-changing tools need a confirmation no model can give. Refused
            # before the arguments are even read, and audited like the registry's own refusals, so
            # an attempt a poisoned document provoked is on record.
            if not getattr(self.registry.get(name), "chat", True):
                await self._audit_refusal(name, args)
                raise PermissionDenied("that action needs your explicit confirmation outside the chat")
            output = await self.registry.call(
                name, args, self.principal, self.deps, channel=self.channel, from_chat=True
            )
        except HRMError as exc:
            self.turn.runs.append(ToolRun(name, args, error_code=exc.code, error_message=exc.message))
            # The model reads which family this is: fix the arguments, or adapt.
            hint = "fix the arguments and try again" if exc.code == "invalid_input" else "this cannot work as asked"
            payload = {"error": exc.code, "message": exc.message, "hint": hint}
            return delimit(name, payload, ok=False, limit=self.output_chars)
        except Exception:
            log.exception("tool %s failed", name)
            self.turn.runs.append(ToolRun(name, args, error_code="internal_error", error_message=""))
            payload = {"error": "internal_error", "message": "the tool failed; nothing was changed"}
            return delimit(name, payload, ok=False, limit=self.output_chars)
        self.turn.runs.append(ToolRun(name, args, output=output))
        return delimit(name, output.model_dump(mode="json"), ok=True, limit=self.output_chars)

    async def _audit_refusal(self, name: str, args: dict[str, Any]) -> None:
        async with self.deps.db.org_tx(self.principal.org_id) as conn:
            await write_audit(
                conn,
                self.principal,
                channel=self.channel,
                tool=name,
                args=json.loads(json.dumps(args, default=str)),
                ok=False,
                error_code="permission_denied",
                result_sha256=None,
                duration_ms=0.0,
            )

    def tools(self) -> list[BaseTool]:
        """One LangChain tool per registry tool the caller may use; descriptions are the docstrings."""
        return [
            self._tool(spec.name, spec.description, spec.json_schema())
            for spec in self.registry.available_to(self.principal, in_chat=True)
        ]

    def _tool(self, name: str, description: str, schema: dict[str, Any]) -> BaseTool:
        async def call(**kwargs: Any) -> str:
            return await self.run(name, kwargs)

        # The JSON schema (not the model class) as args_schema: LangChain passes the arguments
        # through untouched and the registry validates them once, with messages that name the field.
        return StructuredTool(name=name, description=description, args_schema=schema, coroutine=call)


class RegistryGate(AgentMiddleware):
    """Sends a call for a tool the model was not offered to the registry too.

    The registry then refuses it (permission denied, or no such tool) and audits the attempt, so a
    refusal never depends on the prompt or on which tools were bound.
    """

    def __init__(self, gateway: ToolGateway) -> None:
        super().__init__()
        self.gateway = gateway

    async def awrap_tool_call(
        self,
        request: ToolCallRequest,
        handler: Callable[[ToolCallRequest], Awaitable[ToolMessage | Command[Any]]],
    ) -> ToolMessage | Command[Any]:
        if request.tool is not None:
            return await handler(request)
        call = request.tool_call
        content = await self.gateway.run(call["name"], dict(call.get("args") or {}))
        return ToolMessage(content, name=call["name"], tool_call_id=call["id"], status="error")
