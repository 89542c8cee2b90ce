"""Database failures mapped to HTTP: the database away is a 503, text it cannot store a 422.

Without this both are bare 500s. During an outage (restart, failover, no free connection) the pool
discards broken connections and opens new ones once the server is back, so the app recovers by
itself; clients are told to retry shortly.
"""

import logging

import psycopg
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from psycopg_pool import PoolTimeout

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
UNAVAILABLE = "The database is unavailable for a moment; nothing was changed. Please retry in a few seconds."
UNSTORABLE = (
    "The request contains text that cannot be stored (for example a NUL character); remove it and send it again."
)


def install(app: FastAPI) -> None:
    async def _unavailable(request: Request, exc: Exception) -> JSONResponse:
        log.warning("database unavailable during %s %s: %s", request.method, request.url.path, exc)
        return JSONResponse(
            status_code=503,
            content={"error": {"code": "database_unavailable", "message": UNAVAILABLE}},
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

    async def _unstorable(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(status_code=422, content={"error": {"code": "invalid_input", "message": UNSTORABLE}})

    # OperationalError covers a lost connection, a refused one and a server shutting down;
    # PoolTimeout, no connection freed up in time.
    app.add_exception_handler(psycopg.OperationalError, _unavailable)
    app.add_exception_handler(PoolTimeout, _unavailable)
    # DataError: a value Postgres refuses as such (NUL bytes in text, a number out of range).
    app.add_exception_handler(psycopg.DataError, _unstorable)
