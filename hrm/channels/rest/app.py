"""The FastAPI application: REST API, health, readiness, and the Slack endpoint."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from hrm import __version__
from hrm.channels.rest import db_errors, errors, limits
from hrm.channels.rest.jobs import router as jobs_router
from hrm.channels.rest.routes import router
from hrm.channels.rest.routes_jd import router as jd_router
from hrm.channels.rest.routes_matching import router as matching_router
from hrm.channels.rest.routes_privacy import router as privacy_router
from hrm.channels.runtime import Runtime, open_runtime
from hrm.channels.slack.app import mount_slack
from hrm.core.migrations import pending
from hrm.core.settings import Settings
from hrm.retrieval.embeddings import Embedder
from hrm.tools.jobs import run_worker


def create_app(settings: Settings, *, embedder: Embedder | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_runtime(settings, embedder=embedder) as runtime:
            app.state.runtime = runtime
            stop = asyncio.Event()
            workers = [asyncio.create_task(run_worker(runtime.deps, stop)) for _ in range(settings.workers)]
            try:
                yield
            finally:
                stop.set()
                await asyncio.gather(*workers, return_exceptions=True)

    app = FastAPI(
        title="AI-HRM",
        version=__version__,
        description="Skills intelligence for HR: skills, profiles and a conversational agent.",
        lifespan=lifespan,
    )
    errors.install(app)
    limits.install(app, settings)
    db_errors.install(app)
    app.include_router(router)
    app.include_router(jobs_router)
    app.include_router(matching_router)
    app.include_router(jd_router)
    app.include_router(privacy_router)
    mount_slack(app, settings)

    @app.get("/health", tags=["ops"])
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/ready", tags=["ops"])
    async def ready() -> JSONResponse:
        runtime: Runtime = app.state.runtime
        try:
            async with runtime.db.org_tx(None) as conn:
                await conn.execute("SELECT 1")
            with runtime.db.owner_connect() as owner:
                waiting = len(pending(owner))
        except Exception as exc:  # readiness reports, never raises
            return JSONResponse({"status": "unavailable", "reason": exc.__class__.__name__}, status_code=503)
        if waiting:
            return JSONResponse({"status": "unavailable", "reason": f"{waiting} migration(s) pending"}, status_code=503)
        return JSONResponse({"status": "ready"})

    return app
