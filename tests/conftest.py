"""Test fixtures: one real embedded Postgres (with pgvector) per session, migrated and loaded with
the built-in taxonomy, and two small organisations (acme, globex) imported from CSV fixtures.

Nothing here fakes the database. The embedder is the deterministic fake (no model weights), and
the language model and Slack are faked where their tests need them.
"""

import os
import secrets
import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest

from hrm.core.db import Database
from hrm.core.embedded import stop_embedded
from hrm.core.identity import principal_by_email
from hrm.core.principals import Principal
from hrm.core.settings import Settings
from hrm.retrieval.embeddings import FakeEmbedder
from hrm.tools.context import Deps
from hrm.tools.org_import import import_org
from hrm.tools.setup import migrate_and_load

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def data_dir() -> Iterator[Path]:
    # A system temp folder, never under root's home: the embedded server runs as its own user.
    path = Path(tempfile.mkdtemp(prefix="hrm-test-"))
    yield path
    stop_embedded(path)
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def settings(data_dir: Path) -> Settings:
    os.environ.pop("HRM_DATABASE_URL", None)
    return Settings(
        env="test",
        data_dir=data_dir,
        jwt_secret=secrets.token_urlsafe(48),
        slack_signing_secret=secrets.token_hex(16),
        slack_bot_token="xoxb-" + secrets.token_hex(12),
        llm_provider="none",
        embedder="fake",
    )


@pytest.fixture(scope="session")
async def db(settings: Settings) -> AsyncIterator[Database]:
    database = Database.from_settings(settings)
    migrate_and_load(database, FakeEmbedder())
    await database.open()
    await import_org(
        database,
        "acme",
        name="Acme",
        people_csv=fixture_text("acme_people.csv"),
        skills_csv=fixture_text("acme_skills.csv"),
        roles_csv=fixture_text("acme_roles.csv"),
    )
    await import_org(
        database,
        "globex",
        name="Globex",
        people_csv=fixture_text("globex_people.csv"),
        skills_csv=fixture_text("globex_skills.csv"),
    )
    yield database
    await database.close()


@pytest.fixture(scope="session")
def deps(db: Database, settings: Settings) -> Deps:
    return Deps(db=db, settings=settings, embedder=FakeEmbedder())


PrincipalFactory = Callable[[str], Awaitable[Principal]]


@pytest.fixture
def as_person(db: Database) -> PrincipalFactory:
    """The principal of a fixture person, by email (the organisation is the email's domain)."""

    async def make(email: str) -> Principal:
        org = email.split("@")[1].split(".")[0]
        return await principal_by_email(db, org, email)

    return make
