"""Background jobs: the REST infer-skills flow end to end, idempotency, privacy, and a job that a
crashed worker left behind finishing after a restart."""

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from hrm.channels.rest.app import create_app
from hrm.core.db import Database
from hrm.core.settings import Settings
from hrm.core.tokens import mint
from hrm.retrieval.embeddings import FakeEmbedder
from hrm.tools.context import Deps
from hrm.tools.jobs import enqueue, job_status, run_once
from tests.conftest import PrincipalFactory

CV = b"Luca Conti\n\nExperience\nData Engineer, Acme - 2019 - Present\n- Built pipelines in Python and SQL.\n"


@pytest.fixture(scope="module")
async def client(settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = create_app(settings, embedder=FakeEmbedder())
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        yield http


async def _auth(settings: Settings, as_person: PrincipalFactory, email: str) -> dict[str, str]:
    token = mint(settings.resolved_jwt_secret(), await as_person(email), timedelta(minutes=5))
    return {"Authorization": f"Bearer {token}"}


async def _wait_done(client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> dict[str, object]:
    for _ in range(100):
        body: dict[str, object] = (await client.get(url, headers=headers)).json()
        if body["status"] in ("done", "failed"):
            return body
        await asyncio.sleep(0.1)
    raise AssertionError("the job did not finish")


async def test_infer_skills_job_end_to_end(
    client: httpx.AsyncClient, settings: Settings, as_person: PrincipalFactory
) -> None:
    luca = await _auth(settings, as_person, "luca@acme.test")
    headers = {**luca, "Idempotency-Key": "luca-cv-1"}
    sent = await client.post(
        "/api/v2/organizations/acme/ai/infer-skills", files={"files": ("cv.txt", CV, "text/plain")}, headers=headers
    )
    assert sent.status_code == 202, sent.text
    accepted = sent.json()
    assert sent.headers["Location"] == accepted["status_url"] and accepted["created"] is True
    done = await _wait_done(client, accepted["status_url"], luca)
    assert done["status"] == "done"
    result = done["result"]
    assert isinstance(result, dict) and "Python" in {s["name"] for s in result["skills"]}
    again = await client.post(
        "/api/v2/organizations/acme/ai/infer-skills", files={"files": ("cv.txt", CV, "text/plain")}, headers=headers
    )
    assert again.json()["job_id"] == accepted["job_id"] and again.json()["created"] is False
    sam = await _auth(settings, as_person, "sam@acme.test")
    assert (await client.get(accepted["status_url"], headers=sam)).status_code == 404
    assert (await client.get(accepted["status_url"])).status_code == 401


async def test_bad_uploads_queue_nothing(
    client: httpx.AsyncClient, settings: Settings, as_person: PrincipalFactory, db: Database
) -> None:
    luca = await _auth(settings, as_person, "luca@acme.test")
    principal = await as_person("luca@acme.test")

    async def count() -> int:
        async with db.org_tx(principal.org_id) as conn:
            cur = await conn.execute("SELECT count(*) AS n FROM jobs")
            row = await cur.fetchone()
        return int(row["n"]) if row else 0

    before = await count()
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    bad = await client.post(
        "/api/v2/organizations/acme/ai/infer-skills", files={"files": ("cv.pdf", png, "application/pdf")}, headers=luca
    )
    assert bad.status_code == 422 and "cv.pdf" in bad.json()["error"]["message"]
    huge = await client.post(
        "/api/v2/organizations/acme/ai/infer-skills",
        files={"files": ("big.txt", b"a" * (6 * 1024 * 1024), "text/plain")},
        headers=luca,
    )
    assert huge.status_code == 422
    assert await count() == before


async def test_a_job_left_by_a_crashed_worker_completes(deps: Deps, as_person: PrincipalFactory) -> None:
    luca = await as_person("luca@acme.test")
    args = {"documents": [{"file": "cv.txt", "source": "cv", "text": CV.decode()}]}
    job_id, _ = await enqueue(deps, luca, "infer_skills", args, "crash-test")
    # A worker claims it and dies before finishing (its process, and the app, restart).
    async with deps.db.org_tx(None) as conn:
        await conn.execute("SELECT * FROM hrm_claim_job('crashed-worker', make_interval(secs => 300))")
    assert (await job_status(deps, luca, job_id)).status == "running"
    # After the lease, the restarted service's worker reclaims and finishes it (lease 0 here).
    while await run_once(deps, lease_seconds=0):
        if (await job_status(deps, luca, job_id)).status == "done":
            break
    status = await job_status(deps, luca, job_id)
    assert status.status == "done" and status.attempts == 2 and status.result is not None
