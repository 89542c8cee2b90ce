"""Consent per data source, checked before inference reads a document about someone.

The rule:
- A document a person hands the product about themselves (their own CV in Slack, ``save_for: me``)
  is their consent for that source; it is recorded explicitly, method ``self_upload``.
- Anyone else storing inferences about a person (HR uploading their CV) needs that person's
  recorded consent for every source involved; without it nothing is read and nothing is stored.
- Only the person themselves grants or withdraws consent; HR and admins may see it.
- Withdrawing consent for a source deletes the person's documents from that source (their quoted
  evidence goes with them); skills already on the profile stay until the person erases them.
"""

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from hrm.core.db import Conn
from hrm.core.errors import PermissionDenied
from hrm.core.principals import ORG_WIDE_ROLES, Permission, Principal
from hrm.tools.context import ToolContext
from hrm.tools.profile import resolve_person
from hrm.tools.registry import registry

Source = Literal["cv", "github", "linkedin", "project", "review"]
SOURCES: tuple[Source, ...] = ("cv", "github", "linkedin", "project", "review")
Method = Literal["explicit", "self_upload"]


class ConsentState(BaseModel):
    source: Source
    granted: bool = Field(description="True when documents of this source may be used for inference.")
    method: Method | None = Field(None, description="How it was given: explicit, or by uploading one's own document.")
    updated_at: datetime | None = Field(None, description="When it was last recorded; none = never asked.")


async def load_consents(conn: Conn, person_id: UUID) -> list[ConsentState]:
    """Every source, in a fixed order; a source never recorded counts as not granted."""
    cur = await conn.execute(
        "SELECT source, granted, method, updated_at FROM consents WHERE person_id = %s", (person_id,)
    )
    recorded = {row["source"]: row for row in await cur.fetchall()}
    return [
        ConsentState(source=s, granted=bool(recorded[s]["granted"]), method=recorded[s]["method"],
                     updated_at=recorded[s]["updated_at"]) if s in recorded else ConsentState(source=s, granted=False)
        for s in SOURCES
    ]  # fmt: skip


async def record_consent(
    conn: Conn, principal: Principal, person_id: UUID, source: Source, *, granted: bool, method: Method
) -> None:
    await conn.execute(
        """INSERT INTO consents (org_id, person_id, source, granted, method, recorded_by)
           VALUES (%s, %s, %s, %s, %s, %s)
           ON CONFLICT (person_id, source) DO UPDATE SET
               granted = EXCLUDED.granted, method = EXCLUDED.method, recorded_by = EXCLUDED.recorded_by,
               updated_at = now()""",
        (principal.org_id, person_id, source, granted, method, principal.person_id),
    )


async def require_consent(
    conn: Conn, principal: Principal, person_id: UUID, person_name: str, sources: set[Source]
) -> None:
    """Let inference read documents about ``person_id`` from ``sources``, or refuse.

    Called before any document is read: a refusal leaves nothing behind.
    """
    if person_id == principal.person_id:
        for source in sorted(sources):
            await record_consent(conn, principal, person_id, source, granted=True, method="self_upload")
        return
    granted = {c.source for c in await load_consents(conn, person_id) if c.granted}
    missing = sorted(sources - granted)
    if missing:
        raise PermissionDenied(
            f"{person_name} has not consented to their {', '.join(missing)} being used for skill inference, "
            "so I did not read the document and stored nothing. Ask them to grant consent for that source "
            "(in Slack, through the API, or by uploading the document themselves)."
        )


class ListConsentsInput(BaseModel):
    person: str | None = Field(None, max_length=200, description="Whose consents: omit for yourself; anyone for HR.")


class ListConsentsOutput(BaseModel):
    person: str
    consents: list[ConsentState]


def _may_view(principal: Principal, person_id: UUID) -> bool:
    return person_id == principal.person_id or principal.role in ORG_WIDE_ROLES


@registry.tool(permission=Permission.PROFILE_READ)
async def list_consents(args: ListConsentsInput, ctx: ToolContext) -> ListConsentsOutput:
    """Show which data sources (cv, github, linkedin, project, review) a person has allowed to be used
    for skill inference. Your own, or anyone's for HR and admins."""
    row = await resolve_person(ctx.conn, ctx.principal, args.person)
    if not _may_view(ctx.principal, row["id"]):
        raise PermissionDenied("consents are seen by the person themselves and by HR")
    return ListConsentsOutput(
        person=f"{row['first_name']} {row['last_name']}", consents=await load_consents(ctx.conn, row["id"])
    )


class SetConsentInput(BaseModel):
    source: Source = Field(description="The data source: cv, github, linkedin, project or review.")
    granted: bool = Field(description="True to allow its use for skill inference, false to withdraw.")


class SetConsentOutput(BaseModel):
    consents: list[ConsentState]
    documents_deleted: int = Field(description="Documents of that source removed because consent was withdrawn.")


@registry.tool(permission=Permission.PROFILE_READ, chat=False)
async def set_consent(args: SetConsentInput, ctx: ToolContext) -> SetConsentOutput:
    """Grant or withdraw your consent for one data source (cv, github, linkedin, project, review) to be
    used for skill inference. Withdrawing deletes your stored documents from that source. Only you
    can change your own consent."""
    me = ctx.principal.person_id
    await record_consent(ctx.conn, ctx.principal, me, args.source, granted=args.granted, method="explicit")
    deleted = 0
    if not args.granted:
        cur = await ctx.conn.execute(
            "DELETE FROM documents WHERE person_id = %s AND source = %s", (me, args.source)
        )  # evidence quoting these documents cascades with them
        deleted = cur.rowcount
    return SetConsentOutput(consents=await load_consents(ctx.conn, me), documents_deleted=deleted)
