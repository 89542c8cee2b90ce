"""Turn a channel's verified identity (org slug + email, a JWT, a Slack user) into a Principal."""

from uuid import UUID

from hrm.core.db import Database
from hrm.core.errors import NotFound
from hrm.core.principals import AppRole, Principal


async def resolve_org(db: Database, slug: str) -> UUID:
    async with db.org_tx(None) as conn:
        cur = await conn.execute("SELECT hrm_resolve_org(%s) AS id", (slug,))
        row = await cur.fetchone()
    if row is None or row["id"] is None:
        raise NotFound(f"there is no organisation {slug!r} (create one with `hrm init --demo` or `hrm org import`)")
    org_id: UUID = row["id"]
    return org_id


async def principal_for(
    db: Database, org_id: UUID, *, email: str | None = None, person_id: UUID | None = None
) -> Principal:
    async with db.org_tx(org_id) as conn:
        cur = await conn.execute(
            """SELECT p.id, p.email, p.first_name, p.last_name, p.app_role, o.slug
               FROM people p JOIN organizations o ON o.id = p.org_id
               WHERE (%(email)s::text IS NULL OR p.email = %(email)s)
                 AND (%(pid)s::uuid IS NULL OR p.id = %(pid)s)""",
            {"email": email.strip().lower() if email else None, "pid": person_id},
        )
        row = await cur.fetchone() if (email or person_id) else None
    if row is None:
        raise NotFound(f"nobody with {'email ' + repr(email) if email else 'that id'} in this organisation")
    return Principal(
        org_id=org_id,
        org_slug=row["slug"],
        person_id=row["id"],
        email=row["email"],
        display_name=f"{row['first_name']} {row['last_name']}",
        role=AppRole(row["app_role"]),
    )


async def principal_by_email(db: Database, slug: str, email: str) -> Principal:
    return await principal_for(db, await resolve_org(db, slug), email=email)


async def principal_for_slack(db: Database, team_id: str, slack_user_id: str) -> Principal | None:
    async with db.org_tx(None) as conn:
        cur = await conn.execute("SELECT * FROM hrm_resolve_slack_user(%s, %s)", (team_id, slack_user_id))
        rows = await cur.fetchall()
    if len(rows) != 1:  # unknown, or ambiguous across organisations: treat as unknown
        return None
    return await principal_for(db, rows[0]["org_id"], person_id=rows[0]["person_id"])


async def emails_for_slack_ids(db: Database, org_id: UUID, slack_ids: set[str]) -> dict[str, str]:
    """The organisation's people behind Slack user ids (directory data: who, not what they know)."""
    async with db.org_tx(org_id) as conn:
        cur = await conn.execute(
            "SELECT slack_user_id, email FROM people WHERE slack_user_id = ANY(%s)", (sorted(slack_ids),)
        )
        return {row["slack_user_id"]: row["email"] for row in await cur.fetchall()}
