"""The LLM planner: one chat turn answered by a LangChain agent over the caller's tools.

The model chooses tools and phrases their results; the registry runs them as the caller. The
reply then passes the groundedness guard: a reply naming a person, skill or role that no tool
output of the turn (nor the user's message) contains is regenerated once with the names pointed
out, and if it still fails it is replaced by the template answer. A provider failure, a timeout
or an open circuit breaker raises ``ProviderFailure``; ``answer_with_fallback`` then answers with
the rule-based planner and tells the user so in one plain sentence.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any, Literal

import anthropic
import openai
from jinja2 import TemplateNotFound
from langchain.agents import create_agent
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langgraph.errors import GraphRecursionError

from hrm.agent import composer
from hrm.agent.grounding import Grounding, check_reply, evidence_for
from hrm.agent.llm.breaker import CircuitBreaker
from hrm.agent.llm.config import LLMOptions
from hrm.agent.llm.models import chat_model, model_name
from hrm.agent.llm.tools import RegistryGate, ToolGateway, TurnLog
from hrm.agent.llm.usage import Usage, usage_of
from hrm.agent.reply import Reply, ToolCall
from hrm.core.principals import Principal
from hrm.core.settings import Settings
from hrm.tools.context import Deps
from hrm.tools.registry import Registry

log = logging.getLogger(__name__)

FailureReason = Literal["breaker_open", "timeout", "unavailable", "step_limit"]

# One plain sentence before the rule-based answer; no error codes, no blame.
NOTICES: dict[FailureReason, str] = {
    "breaker_open": "The language model is unavailable at the moment, so this answer comes from the built-in planner.",
    "timeout": "The language model took too long to answer, so this answer comes from the built-in planner.",
    "unavailable": "The language model could not be reached, so this answer comes from the built-in planner.",
    "step_limit": "The language model could not settle on an answer, so this one comes from the built-in planner.",
}

_TIMEOUTS = (TimeoutError, openai.APITimeoutError, anthropic.APITimeoutError)

# A history message: ("user" | "assistant", text); anything else is skipped.
HistoryItem = tuple[str, str]


class ProviderFailure(Exception):
    def __init__(self, reason: FailureReason) -> None:
        super().__init__(reason)
        self.reason: FailureReason = reason

    @property
    def notice(self) -> str:
        return NOTICES[self.reason]


@dataclass
class LLMReply(Reply):
    usage: Usage = field(default_factory=Usage)
    grounding: dict[str, Any] = field(default_factory=dict)
    regenerated: bool = False
    templated: bool = False  # the model's reply failed the guard twice and the template replaced it


@dataclass
class FallbackReply(Reply):
    reason: str = ""


def message_data(reply: Reply) -> dict[str, Any]:
    """What the conversation's assistant message keeps about the planner, beyond its tool calls."""
    if isinstance(reply, LLMReply):
        return {
            "usage": reply.usage.to_json(),
            "grounding": {**reply.grounding, "regenerated": reply.regenerated, "templated": reply.templated},
        }
    if isinstance(reply, FallbackReply):
        return {"llm_fallback": reply.reason}
    return {}


def _text_of(message: BaseMessage) -> str:
    content = message.content
    if isinstance(content, str):
        return content.strip()
    parts = [p if isinstance(p, str) else str(p.get("text", "")) for p in content if isinstance(p, str | dict)]
    return "".join(parts).strip()


def _correction(grounding: Grounding) -> str:
    names = ", ".join(f"“{m.text}”" for m in grounding.ungrounded)
    return (
        f"[grounding check] Your reply names {names}, which no tool output of this turn and not the "
        "user's message contains. Rewrite the reply using only what the tool outputs say; call a tool "
        "if you need a fact, and leave out anything no tool returned."
    )


class LLMResponder:
    name = "llm"

    def __init__(
        self,
        model: BaseChatModel,
        registry: Registry,
        *,
        model_name: str,
        options: LLMOptions | None = None,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self.model = model
        self.registry = registry
        self.model_name = model_name
        self.options = options or LLMOptions()
        self.breaker = breaker or CircuitBreaker(
            failures=self.options.breaker_failures, cooldown_seconds=self.options.breaker_cooldown_seconds
        )

    def system_prompt(self, principal: Principal, tools: list[str], today: date) -> str:
        # What the role lacks; tools kept out of chat altogether are not the role's doing.
        missing = [n for n in self.registry.names() if n not in tools and getattr(self.registry.get(n), "chat", True)]
        return composer.render(
            "system.j2",
            org=principal.org_slug,
            caller=principal.display_name,
            role=principal.role.value,
            today=today.isoformat(),
            tools=tools,
            missing=missing,
        )

    async def answer(
        self,
        text: str,
        principal: Principal,
        deps: Deps,
        history: Sequence[HistoryItem] = (),
        *,
        channel: str = "chat",
    ) -> LLMReply:
        """Answer one turn; raises ``ProviderFailure`` when the rule-based planner should answer."""
        if not self.breaker.allow():
            raise ProviderFailure("breaker_open")
        turn = TurnLog()
        gateway = ToolGateway(
            self.registry, principal, deps, turn, channel=channel, output_chars=self.options.tool_output_chars
        )
        tools = gateway.tools()
        graph = create_agent(
            self.model,
            tools,
            system_prompt=self.system_prompt(principal, [t.name for t in tools], deps.clock().date()),
            middleware=[RegistryGate(gateway)],
        )
        messages = [*self._history(history), HumanMessage(text)]
        produced = await self._run(graph, messages, strict=True)
        reply_text = _text_of(produced[-1]) if produced else ""
        grounding = await self._check(reply_text, text, principal, deps, turn)

        regenerated = False
        if not grounding.ok and reply_text:
            regenerated = True
            retry_input = [*messages, *produced, HumanMessage(_correction(grounding))]
            more = await self._run(graph, retry_input, strict=False)
            produced = [*produced, *more]
            reply_text = _text_of(more[-1]) if more else ""
            if reply_text:  # otherwise the first check's findings stay on record
                grounding = await self._check(reply_text, text, principal, deps, turn)

        templated = not reply_text or not grounding.ok
        if templated:
            log.info("reply replaced by the template: %s", grounding.to_json())
            reply_text = self._template(turn, principal, [t.name for t in tools])
        return LLMReply(
            text=reply_text,
            conversation_id="",
            tool_calls=[ToolCall(run.name, run.args, ok=run.ok, error=run.error_code) for run in turn.runs],
            data={run.name: run.output.model_dump(mode="json") for run in turn.successes() if run.output},
            planner=self.name,
            usage=usage_of(produced, self.model_name, self.options.prices),
            grounding=grounding.to_json(),
            regenerated=regenerated,
            templated=templated,
        )

    def _history(self, history: Sequence[HistoryItem]) -> list[BaseMessage]:
        keep = history[-self.options.history_turns :] if self.options.history_turns else []
        out: list[BaseMessage] = []
        for sender, content in keep:
            if sender == "user":
                out.append(HumanMessage(content))
            elif sender == "assistant":
                out.append(AIMessage(content))
        return out

    async def _run(self, graph: Any, messages: list[BaseMessage], *, strict: bool) -> list[BaseMessage]:
        """Run the agent; the messages it added. ``strict``: a failure raises ``ProviderFailure``."""
        config = {"recursion_limit": 2 * self.options.max_steps + 1}
        try:
            async with asyncio.timeout(self.options.turn_timeout_seconds):
                state = await graph.ainvoke({"messages": messages}, config=config)
        except GraphRecursionError:
            # The provider works; the model went round in circles. Not a breaker failure.
            self.breaker.record_success()
            if strict:
                raise ProviderFailure("step_limit") from None
            return []
        except _TIMEOUTS:
            log.warning("language model timed out")
            self.breaker.record_failure(timeout=True)
            if strict:
                raise ProviderFailure("timeout") from None
            return []
        except Exception:
            log.exception("language model call failed")
            self.breaker.record_failure()
            if strict:
                raise ProviderFailure("unavailable") from None
            return []
        self.breaker.record_success()
        result: list[BaseMessage] = state["messages"]
        return result[len(messages) :]

    async def _check(self, reply: str, user: str, principal: Principal, deps: Deps, turn: TurnLog) -> Grounding:
        evidence = evidence_for(
            user, principal, [r.output.model_dump(mode="json") for r in turn.successes() if r.output]
        )
        async with deps.db.org_tx(principal.org_id) as conn:
            return await check_reply(conn, reply, evidence)

    def _template(self, turn: TurnLog, principal: Principal, tools: list[str]) -> str:
        """The rule-based reply for what the tools returned: facts only, phrased by templates."""
        for run in reversed(turn.successes()):
            try:
                return composer.tool_reply(run.name, run.output)
            except TemplateNotFound:
                continue
        failures = [run for run in turn.runs if not run.ok]
        if failures:
            return composer.error_reply(failures[-1].error_code or "error", failures[-1].error_message or "")
        if turn.runs:
            return "I found something but could not phrase it reliably; please ask again a little more specifically."
        return composer.not_yet_reply(tools)


async def answer_with_fallback(
    responder: LLMResponder | None,
    text: str,
    principal: Principal,
    deps: Deps,
    history: Sequence[HistoryItem],
    *,
    channel: str,
    fallback: Callable[[], Awaitable[Reply]],
) -> Reply:
    """The LLM planner's answer, or the rule-based one with a plain notice when the provider fails."""
    if responder is None:
        return await fallback()
    try:
        return await responder.answer(text, principal, deps, history, channel=channel)
    except ProviderFailure as failure:
        reply = await fallback()
        # Every field of the rule-based reply carries over (whatever fields Reply grows).
        carried = {f.name: getattr(reply, f.name) for f in fields(Reply)}
        carried["text"] = f"{failure.notice}\n\n{reply.text}"
        return FallbackReply(**carried, reason=failure.reason)


def build_responder(
    settings: Settings, registry: Registry | None = None, options: LLMOptions | None = None
) -> LLMResponder | None:
    """The LLM responder for the configured provider, or None (the rule-based planner answers)."""
    options = options or LLMOptions()
    model = chat_model(settings, options)
    if model is None:
        return None
    if registry is None:
        from hrm.tools import registry as default_registry

        registry = default_registry
    return LLMResponder(model, registry, model_name=model_name(settings), options=options)
