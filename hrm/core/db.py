"""Database access: an owner connection for migrations and reference data, and an application
pool whose every transaction is scoped to one organisation for row-level security."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from hrm.core.embedded import APP_ROLE, DATABASE, embedded_uri
from hrm.core.errors import ConfigurationError
from hrm.core.settings import Settings

Conn = psycopg.AsyncConnection[dict[str, Any]]


def owner_url(settings: Settings) -> str:
    if settings.database_url is not None:
        return settings.database_url.get_secret_value()
    _ensure_embedded_database(settings)
    return embedded_uri(settings.data_dir, database=DATABASE)


def _ensure_embedded_database(settings: Settings) -> None:
    admin = embedded_uri(settings.data_dir, database="postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE}"')


class Database:
    """Owns the application pool. Build one per process with :meth:`open`."""

    def __init__(self, settings: Settings, owner: str, app: str, set_role: bool) -> None:
        self.settings = settings
        self.owner_url = owner
        self._set_role = set_role
        self.pool: AsyncConnectionPool[Conn] = AsyncConnectionPool(
            app,
            min_size=settings.pool_min_size,
            max_size=settings.pool_max_size,
            kwargs={"row_factory": dict_row, "autocommit": False},
            configure=self._configure,
            # A connection is checked before it is handed out, so one left dead by a database
            # restart is replaced instead of failing a request; a request waits at most
            # pool_timeout for a connection, then gets a clear 503 rather than hanging.
            check=AsyncConnectionPool.check_connection,
            timeout=settings.pool_timeout_seconds,
            open=False,
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> "Database":
        owner = owner_url(settings)
        if settings.app_database_url is not None:
            return cls(settings, owner, settings.app_database_url.get_secret_value(), set_role=False)
        if settings.database_url is None:
            # Embedded: the application role logs in directly over the local socket.
            app = embedded_uri(settings.data_dir, user=APP_ROLE, database=DATABASE)
            return cls(settings, owner, app, set_role=False)
        return cls(settings, owner, owner, set_role=True)

    async def _configure(self, conn: Conn) -> None:
        if self._set_role:
            await conn.execute(f"SET ROLE {APP_ROLE}")
            await conn.commit()

    async def open(self) -> None:
        try:
            await self.pool.open(wait=True, timeout=30)
        except psycopg.OperationalError as exc:
            raise ConfigurationError(f"cannot connect to the database: {exc}") from exc

    async def close(self) -> None:
        await self.pool.close()

    @asynccontextmanager
    async def org_tx(self, org_id: UUID | None) -> AsyncIterator[Conn]:
        """A transaction in which row-level security sees only ``org_id``'s rows.

        ``set_config(..., true)`` is transaction-local, so a pooled connection never carries one
        organisation's scope into the next borrower's transaction.
        """
        async with self.pool.connection() as conn, conn.transaction():
            await conn.execute(
                "SELECT set_config('app.org_id', %s, true)", (str(org_id) if org_id is not None else "",)
            )
            yield conn

    def owner_connect(self) -> psycopg.Connection[dict[str, Any]]:
        """A synchronous owner connection, for migrations and bulk reference-data loads."""
        return psycopg.connect(self.owner_url, row_factory=dict_row)
