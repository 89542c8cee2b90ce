"""Domain errors to HTTP: one mapping for every route."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from hrm.core.errors import HRMError

STATUS = {
    "not_found": 404,
    "permission_denied": 403,
    "invalid_input": 422,
    "unauthenticated": 401,
    "configuration_error": 503,
    "migration_error": 503,
}


def install(app: FastAPI) -> None:
    @app.exception_handler(HRMError)
    async def _domain_error(request: Request, exc: HRMError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.code == "unauthenticated" else None
        return JSONResponse(
            status_code=STATUS.get(exc.code, 400),
            content={"error": {"code": exc.code, "message": exc.message}},
            headers=headers,
        )
