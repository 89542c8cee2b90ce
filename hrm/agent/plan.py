"""What a planner decides for one turn: call a tool, or answer directly (help, not yet, clarify)."""

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from hrm.core.principals import Principal


@dataclass(frozen=True)
class ToolStep:
    tool: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DirectReply:
    kind: Literal["help", "not_yet", "greeting", "clarify"]
    detail: str = ""


Plan = ToolStep | DirectReply


class Planner(Protocol):
    name: str

    async def plan(self, text: str, principal: Principal, tools: list[str]) -> Plan:
        """Choose the next step for ``text``; ``tools`` are the tools the caller may use."""
        ...
