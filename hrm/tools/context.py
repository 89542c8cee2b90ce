"""What every tool receives: the caller, an organisation-scoped connection, and the process deps."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from hrm.core.db import Conn, Database
from hrm.core.principals import Principal
from hrm.core.settings import Settings
from hrm.retrieval.embeddings import Embedder


def utc_now() -> datetime:
    return datetime.now(UTC)


class Writer(Protocol):
    """A chat model that rewrites prose (any LangChain chat model fits); tools never plan with it."""

    async def ainvoke(self, input: Any, /) -> Any: ...


@dataclass(frozen=True)
class Deps:
    """Per-process dependencies, passed explicitly (no module globals)."""

    db: Database
    settings: Settings
    embedder: Embedder
    clock: Callable[[], datetime] = field(default=utc_now)
    # The configured language model, for tools that may polish their prose (job descriptions);
    # None without a provider, and then the template text is the answer.
    writer: Writer | None = None


@dataclass(frozen=True)
class ToolContext:
    principal: Principal
    conn: Conn  # inside a transaction scoped to principal.org_id
    deps: Deps
    channel: str

    @property
    def settings(self) -> Settings:
        return self.deps.settings

    @property
    def embedder(self) -> Embedder:
        return self.deps.embedder

    def now(self) -> datetime:
        return self.deps.clock()
