"""Process wiring shared by the channels: settings → database → deps → agent."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hrm.agent.service import Agent
from hrm.core.db import Database
from hrm.core.errors import ConfigurationError
from hrm.core.migrations import pending
from hrm.core.settings import Settings
from hrm.retrieval.embeddings import Embedder, embedder_for
from hrm.tools import registry
from hrm.tools.context import Deps

if TYPE_CHECKING:
    from hrm.agent.llm.agent import LLMResponder
    from hrm.tools.context import Writer


@dataclass(frozen=True)
class Runtime:
    deps: Deps
    agent: Agent

    @property
    def db(self) -> Database:
        return self.deps.db


def check_schema(db: Database) -> None:
    with db.owner_connect() as conn:
        waiting = pending(conn)
    if waiting:
        raise ConfigurationError(
            f"the database is not initialised or not up to date ({len(waiting)} migration(s) pending): run `hrm init`"
        )


def _responder(settings: Settings) -> "LLMResponder | None":
    if settings.effective_llm_provider == "none":
        return None  # the model stack (LangChain, SDKs) is only imported when one is configured
    from hrm.agent.llm.agent import build_responder

    return build_responder(settings, registry)


def _writer(settings: Settings) -> "Writer | None":
    """The configured model for prose polish (job descriptions), or None."""
    if settings.effective_llm_provider == "none":
        return None
    from hrm.agent.llm.config import LLMOptions
    from hrm.agent.llm.models import chat_model

    return chat_model(settings, LLMOptions())


@asynccontextmanager
async def open_database(settings: Settings) -> AsyncIterator[Database]:
    """The application pool on a database that ``hrm init`` has set up (a clear error otherwise,
    at once, rather than a pool retrying a login that cannot work)."""
    db = Database.from_settings(settings)
    check_schema(db)
    await db.open()
    try:
        yield db
    finally:
        await db.close()


@asynccontextmanager
async def open_runtime(settings: Settings, *, embedder: Embedder | None = None) -> AsyncIterator[Runtime]:
    async with open_database(settings) as db:
        # MiniLM loads its weights on first use only, so commands that never embed stay fast.
        deps = Deps(
            db=db, settings=settings, embedder=embedder or embedder_for(settings.embedder), writer=_writer(settings)
        )
        yield Runtime(deps, Agent(deps, registry, responder=_responder(settings)))
