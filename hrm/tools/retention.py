"""Document retention: documents older than ``HRM_RETENTION_DAYS`` (default 365) are deleted, and
the evidence quoting them goes with them. Inferred skills stay on profiles (without their quotes):
the document's text is what retention limits, not what people were found to know.

Runs three ways: the ``apply_retention`` tool (an admin, one organisation), the ``retention`` job
kind (the same tool through the job queue), and ``hrm retention run`` (every organisation).
"""

import json
from datetime import datetime, timedelta
from uuid import UUID

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from hrm.core.db import Conn, Database
from hrm.core.principals import Permission
from hrm.tools.context import ToolContext
from hrm.tools.registry import registry

DEFAULT_RETENTION_DAYS = 365


class RetentionSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HRM_", env_file=".env", extra="ignore")

    retention_days: int = Field(
        DEFAULT_RETENTION_DAYS, ge=1, le=36500, description="Documents older than this many days are deleted."
    )


def retention_days() -> int:
    return RetentionSettings().retention_days


class RetentionResult(BaseModel):
    cutoff: datetime = Field(description="Documents created before this moment were (or would be) deleted.")
    days: int
    documents_deleted: int
    evidence_deleted: int
    dry_run: bool


async def purge_documents(conn: Conn, cutoff: datetime, *, dry_run: bool = False) -> tuple[int, int]:
    """(documents, evidence rows) older than ``cutoff`` in the connection's organisation."""
    cur = await conn.execute(
        """SELECT (SELECT count(*) FROM documents WHERE created_at < %(c)s) AS documents,
                  (SELECT count(*) FROM evidence e JOIN documents d ON d.id = e.document_id
                    WHERE d.created_at < %(c)s) + (SELECT count(*) FROM evidence
                    WHERE document_id IS NULL AND created_at < %(c)s) AS evidence""",
        {"c": cutoff},
    )
    row = await cur.fetchone()
    assert row is not None
    if not dry_run:
        # Evidence of a deleted document cascades; evidence without a document holds a quote too.
        await conn.execute("DELETE FROM documents WHERE created_at < %s", (cutoff,))
        await conn.execute("DELETE FROM evidence WHERE document_id IS NULL AND created_at < %s", (cutoff,))
    return int(row["documents"]), int(row["evidence"])


class ApplyRetentionInput(BaseModel):
    days: int | None = Field(
        None, ge=1, le=36500, description="Keep documents this many days; omit for the configured HRM_RETENTION_DAYS."
    )
    dry_run: bool = Field(False, description="Count what would be deleted without deleting it.")


@registry.tool(permission=Permission.ORG_ADMIN, chat=False)
async def apply_retention(args: ApplyRetentionInput, ctx: ToolContext) -> RetentionResult:
    """Delete this organisation's documents (and the evidence quoting them) older than the retention
    period. Admins only."""
    days = args.days or retention_days()
    cutoff = ctx.now() - timedelta(days=days)
    documents, evidence = await purge_documents(ctx.conn, cutoff, dry_run=args.dry_run)
    return RetentionResult(
        cutoff=cutoff, days=days, documents_deleted=documents, evidence_deleted=evidence, dry_run=args.dry_run
    )


class OrgRetention(RetentionResult):
    org: str


def _all_orgs(db: Database) -> list[tuple[UUID, str]]:
    # The owner may list organisations (the resolver policy); the work then runs in each one's scope.
    with db.owner_connect() as conn:
        rows = conn.execute("SELECT id, slug FROM organizations ORDER BY slug").fetchall()
    return [(row["id"], row["slug"]) for row in rows]


async def run_retention(
    db: Database, now: datetime, *, days: int | None = None, org: UUID | None = None, dry_run: bool = False
) -> list[OrgRetention]:
    """Apply retention to one or every organisation, each in its own transaction and audited as the
    system (no person asked for it)."""
    days = days or retention_days()
    cutoff = now - timedelta(days=days)
    results = []
    for org_id, slug in _all_orgs(db):
        if org is not None and org_id != org:
            continue
        async with db.org_tx(org_id) as conn:
            documents, evidence = await purge_documents(conn, cutoff, dry_run=dry_run)
            await conn.execute(
                """INSERT INTO audit_log (org_id, actor_id, actor_role, channel, tool, args, ok, duration_ms)
                   VALUES (%s, NULL, 'system', 'retention', 'apply_retention', %s::jsonb, true, 0)""",
                (org_id, json.dumps({"days": days, "dry_run": dry_run, "documents_deleted": documents})),
            )
        results.append(
            OrgRetention(org=slug, cutoff=cutoff, days=days, documents_deleted=documents, evidence_deleted=evidence,
                         dry_run=dry_run)
        )  # fmt: skip
    return results
