"""Versions of a job description in the ``job_descriptions`` table: one row per version, all
versions of one JD sharing its ``jd_group`` (the id callers see as ``jd_id``)."""

import json
import uuid
from typing import Any
from uuid import UUID

from hrm.core.db import Conn
from hrm.core.errors import NotFound
from hrm.core.principals import Principal
from hrm.tools.jd.model import JDVersionRef, JobDescription


async def save(conn: Conn, principal: Principal, jd: JobDescription, jd_id: UUID | None = None) -> tuple[UUID, int]:
    """Store ``jd`` as the next version of ``jd_id`` (a new JD when None); returns (jd_id, version)."""
    group = jd_id or uuid.uuid4()
    # Serialises concurrent refinements of one JD: the second waits, then takes the next number.
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (str(group),))
    cur = await conn.execute(
        "SELECT coalesce(max(version), 0) AS v FROM job_descriptions WHERE jd_group = %s", (group,)
    )
    row = await cur.fetchone()
    version = int(row["v"] if row else 0) + 1
    await conn.execute(
        """INSERT INTO job_descriptions (org_id, jd_group, version, role_id, title, content, created_by)
           VALUES (%s, %s, %s, %s, %s, %s::jsonb, %s)""",
        (
            principal.org_id,
            group,
            version,
            jd.role_id,
            jd.title,
            json.dumps(jd.model_dump(mode="json")),
            principal.person_id,
        ),
    )
    return group, version


async def load(conn: Conn, jd_id: UUID, version: int | None = None) -> tuple[JobDescription, int]:
    """A version of a JD (the latest when ``version`` is None) and its number."""
    if version is None:
        cur = await conn.execute(
            "SELECT version, content FROM job_descriptions WHERE jd_group = %s ORDER BY version DESC LIMIT 1", (jd_id,)
        )
    else:
        cur = await conn.execute(
            "SELECT version, content FROM job_descriptions WHERE jd_group = %s AND version = %s", (jd_id, version)
        )
    row: dict[str, Any] | None = await cur.fetchone()
    if row is None:
        which = "" if version is None else f" version {version} of"
        raise NotFound(f"There is no{which} job description {jd_id} in your organisation.")
    return JobDescription.model_validate(row["content"]), int(row["version"])


async def versions(conn: Conn, jd_id: UUID) -> list[JDVersionRef]:
    cur = await conn.execute(
        """SELECT j.jd_group, j.version, j.title, j.created_at, p.first_name || ' ' || p.last_name AS author
           FROM job_descriptions j LEFT JOIN people p ON p.id = j.created_by
           WHERE j.jd_group = %s ORDER BY j.version""",
        (jd_id,),
    )
    rows = await cur.fetchall()
    if not rows:
        raise NotFound(f"There is no job description {jd_id} in your organisation.")
    return [
        JDVersionRef(
            jd_id=r["jd_group"],
            version=int(r["version"]),
            title=str(r["title"]),
            created_at=r["created_at"].isoformat(),
            created_by=r["author"],
        )
        for r in rows
    ]
