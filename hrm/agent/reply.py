"""What one chat turn answers: the text, the tool calls made, their data, and the conversation."""

from dataclasses import dataclass, field
from typing import Any


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
