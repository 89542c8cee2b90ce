import psycopg
import pytest

from hrm.core.db import Database
from hrm.core.errors import MigrationError
from hrm.core.migrations import discover, migrate, pending


def test_rerun_is_a_noop(db: Database) -> None:
    with db.owner_connect() as conn:
        assert migrate(conn) == []
        assert pending(conn) == []
        rows = conn.execute("SELECT version, checksum FROM schema_migrations ORDER BY version").fetchall()
    assert [(r["version"], r["checksum"]) for r in rows] == [(m.version, m.checksum) for m in discover()]


def test_changed_applied_migration_is_refused(db: Database) -> None:
    with db.owner_connect() as conn:
        original = conn.execute("SELECT checksum FROM schema_migrations WHERE version = 1").fetchone()
        assert original is not None
        conn.execute("UPDATE schema_migrations SET checksum = 'tampered' WHERE version = 1")
        conn.commit()
        try:
            with pytest.raises(MigrationError, match="changed after it was applied"):
                migrate(conn)
        finally:
            conn.rollback()
            conn.execute("UPDATE schema_migrations SET checksum = %s WHERE version = 1", (original["checksum"],))
            conn.commit()


def test_unknown_applied_migration_is_refused(db: Database) -> None:
    with db.owner_connect() as conn:
        conn.execute("INSERT INTO schema_migrations (version, name, checksum) VALUES (9999, 'future', 'x')")
        conn.commit()
        try:
            with pytest.raises(MigrationError, match="does not know"):
                pending(conn)
        finally:
            conn.rollback()
            conn.execute("DELETE FROM schema_migrations WHERE version = 9999")
            conn.commit()


def test_pgvector_is_installed(db: Database) -> None:
    with db.owner_connect() as conn:
        row = conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'").fetchone()
        assert row is not None
        distance = conn.execute("SELECT '[1,0,0]'::vector <=> '[0,1,0]'::vector AS d").fetchone()
    assert distance is not None and distance["d"] == pytest.approx(1.0)


def test_failed_migration_leaves_nothing(db: Database) -> None:
    with db.owner_connect() as conn:
        with pytest.raises(psycopg.errors.UndefinedTable), conn.transaction():
            conn.execute("CREATE TABLE half_done (id int)")
            conn.execute("INSERT INTO no_such_table VALUES (1)")
        present = conn.execute("SELECT to_regclass('half_done') IS NOT NULL AS p").fetchone()
    assert present is not None and present["p"] is False
