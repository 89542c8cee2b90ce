"""What every tool receives: the caller, an organisation-scoped connection, and the process deps."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from hrm.core.db import Conn, Database
from hrm.core.principals import Principal
from hrm.core.settings import Settings
from hrm.retrieval.embeddings import Embedder


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Deps:
    """Per-process dependencies, passed explicitly (no module globals)."""

    db: Database
    settings: Settings
    embedder: Embedder
    clock: Callable[[], datetime] = field(default=utc_now)


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
