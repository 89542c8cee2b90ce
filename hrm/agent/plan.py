"""What a planner decides for one turn: call a tool, or answer directly (help, not yet, clarify)."""

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from hrm.agent.memory import Focus
from hrm.core.db import Conn
from hrm.core.principals import Principal
from hrm.retrieval.embeddings import Embedder


@dataclass(frozen=True)
class ToolStep:
    tool: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DirectReply:
    kind: Literal["help", "not_yet", "greeting", "clarify"]
    detail: str = ""  # for "clarify": the question to ask


@dataclass(frozen=True)
class TurnContext:
    """What a planner may use beyond the text: the conversation's focus and, for linking spans to
    people, roles and skills, a connection scoped to the caller's organisation and the embedder."""

    focus: Focus = field(default_factory=Focus)
    conn: Conn | None = None
    embedder: Embedder | None = None


Plan = ToolStep | DirectReply


class Planner(Protocol):
    name: str

    async def plan(self, text: str, principal: Principal, tools: list[str]) -> Plan:
        """Choose the next step for ``text``; ``tools`` are the tools the caller may use."""
        ...


@runtime_checkable
class ContextPlanner(Protocol):
    """A planner that also reads the conversation's focus and links spans against the database."""

    name: str

    async def plan_in_context(
        self, text: str, principal: Principal, tools: list[str], context: TurnContext
    ) -> Plan: ...
