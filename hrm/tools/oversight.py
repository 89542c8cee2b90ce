"""Oversight: the audit log queried by admins — who asked what, which tool ran with which
arguments, whether it worked, and the hash of what it returned."""

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from hrm.core.principals import Permission
from hrm.tools.context import ToolContext
from hrm.tools.profile import resolve_person
from hrm.tools.registry import registry


class QueryAuditInput(BaseModel):
    person: str | None = Field(
        None, max_length=200, description="Only calls made by this person (email, name or id), "
        "or by an erased person's pseudonym (erased-...)."
    )  # fmt: skip
    tool: str | None = Field(None, max_length=100, description="Only calls of this tool.")
    since: datetime | None = Field(None, description="Only calls at or after this time.")
    until: datetime | None = Field(None, description="Only calls before this time.")
    limit: int = Field(100, ge=1, le=1000, description="At most this many rows, newest first.")


class AuditEntry(BaseModel):
    id: int
    at: datetime
    actor_id: UUID | None = Field(description="Who called; none when the person was erased or for the system.")
    actor: str | None = Field(description="Their email, or the pseudonym of an erased person.")
    actor_role: str
    channel: str
    tool: str
    args: dict[str, Any]
    ok: bool
    error_code: str | None
    result_sha256: str | None
    duration_ms: float
    pseudonymised: bool


class QueryAuditOutput(BaseModel):
    entries: list[AuditEntry]
    total: int = Field(description="How many rows match, before the limit.")


@registry.tool(permission=Permission.ORG_ADMIN)
async def query_audit(args: QueryAuditInput, ctx: ToolContext) -> QueryAuditOutput:
    """Search the organisation's audit log: which tools ran, for whom, with which arguments and
    outcome, filtered by person, tool and time. Admins only."""
    actor_id: UUID | None = None
    pseudonym: str | None = None
    if args.person and args.person.startswith("erased-"):
        pseudonym = args.person
    elif args.person:
        actor_id = (await resolve_person(ctx.conn, ctx.principal, args.person))["id"]
    where = """WHERE (%(actor)s::uuid IS NULL OR a.actor_id = %(actor)s)
                 AND (%(pseudo)s::text IS NULL OR a.actor_pseudonym = %(pseudo)s)
                 AND (%(tool)s::text IS NULL OR a.tool = %(tool)s)
                 AND (%(since)s::timestamptz IS NULL OR a.created_at >= %(since)s)
                 AND (%(until)s::timestamptz IS NULL OR a.created_at < %(until)s)"""
    params = {"actor": actor_id, "pseudo": pseudonym, "tool": args.tool, "since": args.since, "until": args.until}
    cur = await ctx.conn.execute(f"SELECT count(*) AS n FROM audit_log a {where}", params)
    total = await cur.fetchone()
    cur = await ctx.conn.execute(
        f"""SELECT a.*, coalesce(p.email, a.actor_pseudonym) AS actor FROM audit_log a
            LEFT JOIN people p ON p.id = a.actor_id {where} ORDER BY a.created_at DESC, a.id DESC LIMIT %(limit)s""",
        {**params, "limit": args.limit},
    )
    entries = [
        AuditEntry(
            id=r["id"], at=r["created_at"], actor_id=r["actor_id"], actor=r["actor"], actor_role=r["actor_role"],
            channel=r["channel"], tool=r["tool"], args=r["args"], ok=r["ok"], error_code=r["error_code"],
            result_sha256=r["result_sha256"], duration_ms=r["duration_ms"],
            pseudonymised=r["pseudonymised_at"] is not None,
        )
        for r in await cur.fetchall()
    ]  # fmt: skip
    return QueryAuditOutput(entries=entries, total=int(total["n"]) if total else 0)
