"""A scripted chat model: answers with the next step of a script, for tests and offline demos.

Each step is an ``AIMessage`` (a final answer or tool calls) or a function of the messages the
model is shown, so a script can read a tool output and answer from it. It records what it was
shown and which tools were bound, and refuses to run past the end of its script.
"""

from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage, ToolCall
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from pydantic import Field

Step = AIMessage | Callable[[list[BaseMessage]], AIMessage]


def tool_call(name: str, args: dict[str, Any] | None = None, *, call_id: str | None = None) -> ToolCall:
    return ToolCall(name=name, args=args or {}, id=call_id or f"call_{name}", type="tool_call")


def calls(*tool_calls: ToolCall, tokens: tuple[int, int] = (0, 0)) -> AIMessage:
    """A step that calls tools; ``tokens`` are the (input, output) counts it reports."""
    return AIMessage(content="", tool_calls=list(tool_calls), usage_metadata=_usage(tokens))


def says(text: str, *, tokens: tuple[int, int] = (0, 0)) -> AIMessage:
    """A step that answers with ``text``."""
    return AIMessage(content=text, usage_metadata=_usage(tokens))


def _usage(tokens: tuple[int, int]) -> Any:
    return {"input_tokens": tokens[0], "output_tokens": tokens[1], "total_tokens": sum(tokens)}


class ScriptedChatModel(BaseChatModel):
    script: list[Any]  # of Step; not validated, so functions stay functions
    seen: list[list[BaseMessage]] = Field(default_factory=list)
    bound_tools: list[str] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: str | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        self.bound_tools = [tool.name for tool in tools if isinstance(tool, BaseTool)]
        return self

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.seen.append(list(messages))
        if not self.script:
            raise AssertionError("the scripted model was called more often than its script allows")
        step = self.script.pop(0)
        message = step if isinstance(step, AIMessage) else step(list(messages))
        return ChatResult(generations=[ChatGeneration(message=message)])
