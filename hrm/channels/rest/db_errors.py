"""The database being away (restarting, failing over, out of connections) answered as 503.

Without this an outage is a bare 500. The pool discards broken connections and opens new ones once
the server is back, so the app recovers by itself; clients are told to retry shortly.
"""

import logging

import psycopg
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from psycopg_pool import PoolTimeout

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
MESSAGE = "The database is unavailable for a moment; nothing was changed. Please retry in a few seconds."


def install(app: FastAPI) -> None:
    async def _unavailable(request: Request, exc: Exception) -> JSONResponse:
        log.warning("database unavailable during %s %s: %s", request.method, request.url.path, exc)
        return JSONResponse(
            status_code=503,
            content={"error": {"code": "database_unavailable", "message": MESSAGE}},
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

    # OperationalError covers a lost connection, a refused one and a server shutting down;
    # PoolTimeout, no connection freed up in time.
    app.add_exception_handler(psycopg.OperationalError, _unavailable)
    app.add_exception_handler(PoolTimeout, _unavailable)
