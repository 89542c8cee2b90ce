"""Apply ``migrations/NNNN_name.sql`` in order, each in its own transaction, recorded with a checksum.

Re-running is a no-op. A file that changed after it was applied is refused: the database would no
longer match the code, and silently re-running DDL is how data gets lost.
"""

import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import psycopg

from hrm.core.errors import MigrationError

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
# One lock id for "migrating this database", so two processes starting at once do not race.
_LOCK_ID = 0x4852_4D31


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def discover() -> list[Migration]:
    found: list[Migration] = []
    for entry in resources.files("hrm.migrations").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError("two migration files share a version number")
    return found


def _ensure_table(conn: psycopg.Connection[Any]) -> None:
    conn.execute(
        """CREATE TABLE IF NOT EXISTS schema_migrations (
               version integer PRIMARY KEY,
               name text NOT NULL,
               checksum text NOT NULL,
               applied_at timestamptz NOT NULL DEFAULT now())"""
    )


def _applied(conn: psycopg.Connection[Any]) -> dict[int, tuple[str, str]]:
    rows = conn.execute("SELECT version, name, checksum FROM schema_migrations").fetchall()
    return {_get(r, 0, "version"): (_get(r, 1, "name"), _get(r, 2, "checksum")) for r in rows}


def _get(row: Any, index: int, key: str) -> Any:
    return row[key] if isinstance(row, dict) else row[index]


def _verify(migrations: list[Migration], applied: dict[int, tuple[str, str]]) -> None:
    by_version = {m.version: m for m in migrations}
    for version, (name, checksum) in sorted(applied.items()):
        current = by_version.get(version)
        if current is None:
            raise MigrationError(
                f"the database has migration {version:04d}_{name} which this version of the code does not know"
            )
        if current.checksum != checksum:
            raise MigrationError(
                f"migration {version:04d}_{name}.sql changed after it was applied; "
                "add a new migration instead of editing an applied one"
            )


def pending(conn: psycopg.Connection[Any]) -> list[Migration]:
    """Migrations not yet applied (verifying the applied ones); read-only."""
    migrations = discover()
    exists = conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL AS present").fetchone()
    applied = _applied(conn) if exists and _get(exists, 0, "present") else {}
    _verify(migrations, applied)
    return [m for m in migrations if m.version not in applied]


def migrate(conn: psycopg.Connection[Any]) -> list[Migration]:
    """Apply what is pending; returns what was applied."""
    conn.autocommit = False
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_ID,))
        _ensure_table(conn)
    done: list[Migration] = []
    for migration in pending(conn):
        try:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_ID,))
                if conn.execute("SELECT 1 FROM schema_migrations WHERE version = %s", (migration.version,)).fetchone():
                    continue  # another process applied it while we waited for the lock
                conn.execute(migration.sql.encode())
                conn.execute(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES (%s, %s, %s)",
                    (migration.version, migration.name, migration.checksum),
                )
        except psycopg.Error as exc:
            raise MigrationError(f"migration {migration.version:04d}_{migration.name} failed: {exc}") from exc
        done.append(migration)
    return done
