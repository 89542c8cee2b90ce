"""Background jobs in Postgres: enqueued idempotently by request key, claimed by any worker with
``FOR UPDATE SKIP LOCKED``, reclaimed when a worker vanished (crash, restart), retried with backoff.

A job runs as the person who asked for it: the worker rebuilds their principal and goes through the
tool registry, so permissions, row-level security and the audit trail apply as for any call.
"""

import asyncio
import contextlib
import json
import logging
import os
import socket
from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel

from hrm.core.errors import HRMError, NotFound
from hrm.core.identity import principal_for
from hrm.core.principals import ORG_WIDE_ROLES, Principal
from hrm.tools.context import Deps
from hrm.tools.registry import registry

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
LEASE_SECONDS = 300  # a job running longer than this without finishing is taken to be orphaned
# Job kinds and the tool each runs.
KINDS = {"infer_skills": "infer_skills", "retention": "apply_retention"}


class JobStatus(BaseModel):
    job_id: UUID
    kind: str
    status: str  # queued, running, done, failed
    attempts: int
    result: dict[str, Any] | None
    error: str | None
    created_at: datetime
    updated_at: datetime


async def enqueue(
    deps: Deps, principal: Principal, kind: str, payload: dict[str, Any], request_key: str | None
) -> tuple[UUID, bool]:
    """(job id, created); the same request key returns the job already made for it."""
    async with deps.db.org_tx(principal.org_id) as conn:
        cur = await conn.execute(
            """INSERT INTO jobs (org_id, kind, request_key, payload, created_by) VALUES (%s, %s, %s, %s::jsonb, %s)
               ON CONFLICT (org_id, request_key) DO NOTHING RETURNING id""",
            (principal.org_id, kind, request_key, json.dumps(payload), principal.person_id),
        )
        row = await cur.fetchone()
        if row:
            return row["id"], True
        cur = await conn.execute("SELECT id FROM jobs WHERE request_key = %s", (request_key,))
        existing = await cur.fetchone()
    assert existing is not None
    return existing["id"], False


async def job_status(deps: Deps, principal: Principal, job_id: UUID) -> JobStatus:
    async with deps.db.org_tx(principal.org_id) as conn:
        cur = await conn.execute("SELECT * FROM jobs WHERE id = %s", (job_id,))
        row = await cur.fetchone()
    # Someone else's job is answered as if it did not exist (HR and admins see all of theirs).
    if row is None or (row["created_by"] != principal.person_id and principal.role not in ORG_WIDE_ROLES):
        raise NotFound("no such job")
    return JobStatus(
        job_id=row["id"], kind=row["kind"], status=row["status"], attempts=row["attempts"], result=row["result"],
        error=row["error"], created_at=row["created_at"], updated_at=row["updated_at"],
    )  # fmt: skip


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


async def run_once(deps: Deps, *, lease_seconds: float = LEASE_SECONDS) -> bool:
    """Claim and run one job; False when there was nothing to do."""
    async with deps.db.org_tx(None) as conn:
        cur = await conn.execute(
            "SELECT * FROM hrm_claim_job(%s, make_interval(secs => %s))", (worker_name(), lease_seconds)
        )
        claimed = await cur.fetchone()
    if claimed is None:
        return False
    job_id, org_id = claimed["job_id"], claimed["org_id"]
    async with deps.db.org_tx(org_id) as conn:
        cur = await conn.execute("SELECT kind, payload, created_by, attempts FROM jobs WHERE id = %s", (job_id,))
        job = await cur.fetchone()
    assert job is not None
    try:
        principal = await principal_for(deps.db, org_id, person_id=job["created_by"])
        output = await registry.call(KINDS[job["kind"]], job["payload"], principal, deps, channel="job")
    except HRMError as exc:  # the request itself cannot work: retrying will not help
        await _finish(deps, org_id, job_id, "failed", None, exc.message)
    except Exception as exc:
        log.exception("job %s failed (attempt %s)", job_id, job["attempts"])
        if job["attempts"] >= MAX_ATTEMPTS:
            await _finish(deps, org_id, job_id, "failed", None, f"gave up after {MAX_ATTEMPTS} attempts")
        else:
            await _retry(deps, org_id, job_id, job["attempts"], exc)
    else:
        await _finish(deps, org_id, job_id, "done", output.model_dump(mode="json"), None)
    return True


async def _finish(deps: Deps, org_id: UUID, job_id: UUID, status: str, result: Any, error: str | None) -> None:
    async with deps.db.org_tx(org_id) as conn:
        await conn.execute(
            """UPDATE jobs SET status = %s, result = %s::jsonb, error = %s, locked_at = NULL, locked_by = NULL,
                              updated_at = now() WHERE id = %s""",
            (status, json.dumps(result) if result is not None else None, error, job_id),
        )


async def _retry(deps: Deps, org_id: UUID, job_id: UUID, attempts: int, exc: Exception) -> None:
    async with deps.db.org_tx(org_id) as conn:
        await conn.execute(
            """UPDATE jobs SET status = 'queued', locked_at = NULL, locked_by = NULL, error = %s,
                              run_after = now() + make_interval(secs => %s), updated_at = now() WHERE id = %s""",
            (exc.__class__.__name__, 2**attempts, job_id),
        )


async def run_worker(deps: Deps, stop: asyncio.Event, *, poll_seconds: float = 0.5) -> None:
    """Work until ``stop`` is set; a failing database pauses the loop instead of ending it."""
    while not stop.is_set():
        try:
            busy = await run_once(deps)
        except Exception:
            log.exception("job worker could not claim a job")
            busy = False
        if not busy:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=poll_seconds)
