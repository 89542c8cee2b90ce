"""The one tool registry every channel adapts: declare a tool once, expose it everywhere.

``call`` is the only way a channel or planner runs a tool: it validates the arguments, checks the
permission, runs the tool in a transaction scoped to the caller's organisation, times it and writes
an audit row, whether the call succeeded or not.
"""

import inspect
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from hrm.core.audit import result_digest, write_audit
from hrm.core.errors import HRMError, InvalidInput, PermissionDenied
from hrm.core.principals import PERMISSION_PURPOSE, Permission, Principal
from hrm.tools.context import Deps, ToolContext

In = TypeVar("In", bound=BaseModel)
Out = TypeVar("Out", bound=BaseModel)

ToolFn = Callable[[In, ToolContext], Awaitable[Out]]


@dataclass(frozen=True)
class ToolSpec(Generic[In, Out]):
    name: str
    description: str  # the docstring: what the LLM planner reads
    input_model: type[In]
    output_model: type[Out]
    permission: Permission
    fn: ToolFn[In, Out]
    # False for irreversible or consent-changing actions: they need an explicit confirmation in a
    # channel (a button, a CLI flag, a REST body), so no chat turn — and no model — may call them.
    chat: bool = True

    def json_schema(self) -> dict[str, Any]:
        return self.input_model.model_json_schema()


def describe_validation_error(exc: ValidationError) -> str:
    """One readable sentence per bad field, so a person or a model can fix the call."""
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "arguments"
        parts.append(f"{where}: {err['msg']}")
    return "invalid arguments — " + "; ".join(parts)


class Registry:
    def __init__(self) -> None:
        self._tools: dict[str, ToolSpec[Any, Any]] = {}

    def tool(
        self, *, permission: Permission, name: str | None = None, chat: bool = True
    ) -> Callable[[ToolFn[In, Out]], ToolFn[In, Out]]:
        """Register an ``async def tool(args: InputModel, ctx: ToolContext) -> OutputModel``."""

        def decorate(fn: ToolFn[In, Out]) -> ToolFn[In, Out]:
            tool_name = name or fn.__name__
            if tool_name in self._tools:
                raise ValueError(f"tool {tool_name!r} is registered twice")
            hints = inspect.get_annotations(fn, eval_str=True)
            params = list(inspect.signature(fn).parameters)
            doc = inspect.getdoc(fn)
            if not doc:
                raise ValueError(f"tool {tool_name!r} needs a docstring: it is the description the planner reads")
            self._tools[tool_name] = ToolSpec(
                name=tool_name,
                description=doc,
                input_model=hints[params[0]],
                output_model=hints["return"],
                permission=permission,
                fn=fn,
                chat=chat,
            )
            return fn

        return decorate

    def get(self, name: str) -> ToolSpec[Any, Any]:
        try:
            return self._tools[name]
        except KeyError:
            raise InvalidInput(f"there is no tool called {name!r}") from None

    def names(self) -> list[str]:
        return sorted(self._tools)

    def available_to(self, principal: Principal, *, in_chat: bool = False) -> list[ToolSpec[Any, Any]]:
        """The tools the principal's role may use; ``in_chat`` leaves out those a chat turn may not call."""
        return [
            spec
            for _, spec in sorted(self._tools.items())
            if principal.has(spec.permission) and (spec.chat or not in_chat)
        ]

    async def call(
        self,
        name: str,
        args: Mapping[str, Any] | BaseModel,
        principal: Principal,
        deps: Deps,
        *,
        channel: str,
        from_chat: bool = False,
    ) -> BaseModel:
        """Validate, check permission, run in an organisation-scoped transaction, audit.

        ``from_chat`` marks calls a planner chose (rules or a model): tools that need an explicit
        confirmation are refused for them, and the refusal is audited like any other."""
        spec = self.get(name)
        started = time.perf_counter()
        raw = args.model_dump() if isinstance(args, BaseModel) else dict(args)
        try:
            try:
                parsed = spec.input_model.model_validate(raw)
            except ValidationError as exc:
                raise InvalidInput(describe_validation_error(exc)) from None
            raw = parsed.model_dump(mode="json")
            if from_chat and not spec.chat:
                raise PermissionDenied(
                    "That can't be done in a chat message: it needs an explicit confirmation. In Slack, say "
                    "“delete my data” and press the button; or use `hrm privacy` or the REST API."
                )
            if not principal.has(spec.permission):
                purpose = PERMISSION_PURPOSE[spec.permission]
                raise PermissionDenied(f"Your role ({principal.role.value}) doesn't include {purpose}.")
            async with deps.db.org_tx(principal.org_id) as conn:
                result: BaseModel = await spec.fn(parsed, ToolContext(principal, conn, deps, channel))
        except HRMError as exc:
            await self._audit(deps, principal, channel, name, raw, started, error=exc.code)
            raise
        except Exception:
            await self._audit(deps, principal, channel, name, raw, started, error="internal_error")
            raise
        await self._audit(
            deps, principal, channel, name, raw, started, digest=result_digest(result.model_dump(mode="json"))
        )
        return result

    async def _audit(
        self,
        deps: Deps,
        principal: Principal,
        channel: str,
        name: str,
        args: dict[str, Any],
        started: float,
        *,
        error: str | None = None,
        digest: str | None = None,
    ) -> None:
        elapsed = (time.perf_counter() - started) * 1000
        # Its own transaction: a failed tool call rolls back its work but must still be audited.
        async with deps.db.org_tx(principal.org_id) as conn:
            await write_audit(
                conn,
                principal,
                channel=channel,
                tool=name,
                args=args,
                ok=error is None,
                error_code=error,
                result_sha256=digest,
                duration_ms=elapsed,
            )


registry = Registry()
