"""Data-subject rights: ``export_my_data`` (everything held about a person, machine-readable) and
``erase_my_data`` (everything removed, audit rows kept but pseudonymised).

Who may do what:
- everyone may export and erase their own data;
- HR and admins may export or erase anyone in their organisation, acting on that person's request
  (the request itself is theirs to verify; the call is audited under the HR or admin's name);
- managers may not export or erase their reports.

Erasure runs in the tool's one transaction: either everything goes or nothing does. Deleting the
person row fires the database trigger that pseudonymises their audit rows (actor replaced by a keyed
hash, their identifiers scrubbed from arguments) — the audit log itself stays append-only.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from hrm.core.db import Conn
from hrm.core.errors import InvalidInput, PermissionDenied
from hrm.core.principals import ORG_WIDE_ROLES, Permission
from hrm.tools.context import ToolContext
from hrm.tools.profile import resolve_person
from hrm.tools.registry import registry

EXPORT_FORMAT = "ai-hrm.personal-data.v1"

# What is held about a person, section by section: each query selects whole rows as JSON, so a
# column added later is exported without touching this list.
_SECTIONS: dict[str, str] = {
    "skills": """SELECT to_jsonb(ps) || jsonb_build_object('skill_name', s.name) AS row
                 FROM person_skills ps JOIN skills s ON s.id = ps.skill_id
                 WHERE ps.person_id = %(id)s ORDER BY s.name, ps.source""",
    "evidence": """SELECT to_jsonb(e) AS row FROM evidence e JOIN person_skills ps ON ps.id = e.person_skill_id
                   WHERE ps.person_id = %(id)s ORDER BY e.created_at, e.id""",
    "skill_history": """SELECT to_jsonb(h) AS row FROM person_skill_history h
                        WHERE h.person_id = %(id)s OR h.changed_by = %(id)s ORDER BY h.created_at, h.id""",
    "documents": "SELECT to_jsonb(d) AS row FROM documents d WHERE d.person_id = %(id)s ORDER BY d.created_at, d.id",
    "consents": "SELECT to_jsonb(c) AS row FROM consents c WHERE c.person_id = %(id)s ORDER BY c.source",
    "conversations": """SELECT to_jsonb(c) || jsonb_build_object('messages', coalesce(
                            (SELECT jsonb_agg(to_jsonb(m) ORDER BY m.id) FROM messages m
                             WHERE m.conversation_id = c.id), '[]'::jsonb)) AS row
                        FROM conversations c WHERE c.person_id = %(id)s ORDER BY c.created_at, c.id""",
    "jobs": "SELECT to_jsonb(j) AS row FROM jobs j WHERE j.created_by = %(id)s ORDER BY j.created_at, j.id",
    "job_descriptions": """SELECT to_jsonb(jd) AS row FROM job_descriptions jd WHERE jd.created_by = %(id)s
                           ORDER BY jd.created_at, jd.id""",
    "audit": "SELECT to_jsonb(a) AS row FROM audit_log a WHERE a.actor_id = %(id)s ORDER BY a.created_at, a.id",
}


async def _subject(ctx: ToolContext, ref: str | None, what: str) -> dict[str, Any]:
    row = await resolve_person(ctx.conn, ctx.principal, ref)
    if row["id"] != ctx.principal.person_id and ctx.principal.role not in ORG_WIDE_ROLES:
        raise PermissionDenied(f"you can {what} your own data only; HR and admins handle requests for others")
    return row


class ExportMyDataInput(BaseModel):
    person: str | None = Field(
        None, max_length=200, description="Whose data: omit for yourself; HR and admins may name anyone on request."
    )


class ExportMyDataOutput(BaseModel):
    format: str = Field(EXPORT_FORMAT, description="Name and version of this export's layout.")
    generated_at: datetime
    person: dict[str, Any] = Field(description="The person's record as stored, with their manager's name.")
    sections: dict[str, list[dict[str, Any]]] = Field(
        description="Every row held about the person, by kind: skills, evidence, skill_history, documents, "
        "consents, conversations (with messages), jobs, job_descriptions, audit."
    )


async def collect_personal_data(conn: Conn, person_id: UUID) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    cur = await conn.execute(
        """SELECT to_jsonb(p) || jsonb_build_object('manager', m.first_name || ' ' || m.last_name) AS row
           FROM people p LEFT JOIN people m ON m.id = p.manager_id WHERE p.id = %s""",
        (person_id,),
    )
    person = await cur.fetchone()
    assert person is not None
    sections: dict[str, list[Any]] = {}
    for name, query in _SECTIONS.items():
        cur = await conn.execute(query, {"id": person_id})
        sections[name] = [r["row"] for r in await cur.fetchall()]
    return person["row"], sections


@registry.tool(permission=Permission.PROFILE_READ)
async def export_my_data(args: ExportMyDataInput, ctx: ToolContext) -> ExportMyDataOutput:
    """Export everything the product holds about you as machine-readable JSON: your record, skills,
    evidence, documents, consents, conversations, jobs and the audit of your own requests."""
    row = await _subject(ctx, args.person, "export")
    person, sections = await collect_personal_data(ctx.conn, row["id"])
    return ExportMyDataOutput(generated_at=ctx.now(), person=person, sections=sections)


class EraseMyDataInput(BaseModel):
    confirm: bool = Field(
        description="Must be true: erasure is permanent and cannot be undone. Only set it after the person "
        "has explicitly confirmed."
    )
    person: str | None = Field(
        None, max_length=200, description="Whose data: omit for yourself; HR and admins may name anyone on request."
    )


class EraseMyDataOutput(BaseModel):
    erased: bool
    deleted: dict[str, int] = Field(description="Rows removed, by kind.")
    audit_rows_pseudonymised: int = Field(description="Audit rows kept with the person replaced by a pseudonym.")
    pseudonym: str | None = Field(None, description="The keyed pseudonym that now stands for the person in the audit.")


# Rows that go with the person row through ON DELETE CASCADE, counted first for the report.
_CASCADED: dict[str, str] = {
    "skills": "SELECT count(*) AS n FROM person_skills WHERE person_id = %(id)s",
    "evidence": """SELECT count(*) AS n FROM evidence e JOIN person_skills ps ON ps.id = e.person_skill_id
                   WHERE ps.person_id = %(id)s""",
    "skill_history": "SELECT count(*) AS n FROM person_skill_history WHERE person_id = %(id)s",
    "documents": "SELECT count(*) AS n FROM documents WHERE person_id = %(id)s",
    "consents": "SELECT count(*) AS n FROM consents WHERE person_id = %(id)s",
    "conversations": "SELECT count(*) AS n FROM conversations WHERE person_id = %(id)s",
    "messages": """SELECT count(*) AS n FROM messages m JOIN conversations c ON c.id = m.conversation_id
                   WHERE c.person_id = %(id)s""",
}

REDACTED = "[erased person]"


async def erase_person(conn: Conn, person: dict[str, Any]) -> EraseMyDataOutput:
    """Remove ``person`` and everything about them, inside the caller's transaction."""
    pid: UUID = person["id"]
    idents = [str(pid), str(person["email"]), f"{person['first_name']} {person['last_name']}"]
    cur = await conn.execute("SELECT slack_user_id FROM people WHERE id = %s FOR UPDATE", (pid,))
    locked = await cur.fetchone()
    if locked and locked["slack_user_id"]:
        idents.append(str(locked["slack_user_id"]))
    deleted: dict[str, int] = {}
    for name, query in _CASCADED.items():
        cur = await conn.execute(query, {"id": pid})
        counted = await cur.fetchone()
        deleted[name] = int(counted["n"]) if counted else 0
    cur = await conn.execute("SELECT id FROM audit_log WHERE actor_id = %s ORDER BY id", (pid,))
    audited = [r["id"] for r in await cur.fetchall()]
    # Jobs they asked for, and anyone's jobs about them (HR inferring from their CV keeps the CV's
    # text in the payload): both hold their personal data.
    pattern = [f"%{i.lower()}%" for i in idents]
    cur = await conn.execute(
        """DELETE FROM jobs WHERE created_by = %(id)s
               OR lower(payload::text) LIKE ANY(%(p)s) OR lower(coalesce(result::text, '')) LIKE ANY(%(p)s)""",
        {"id": pid, "p": pattern},
    )
    deleted["jobs"] = cur.rowcount
    # Other people's conversations that named them keep their shape, without the name.
    cur = await conn.execute(
        """UPDATE messages SET content = (hrm_scrub_json(to_jsonb(content), %(i)s, %(r)s) #>> '{}'),
                               data = hrm_scrub_json(data, %(i)s, %(r)s)
           WHERE lower(content) LIKE ANY(%(p)s) OR lower(data::text) LIKE ANY(%(p)s)""",
        {"i": idents, "r": REDACTED, "p": pattern},
    )
    deleted["mentions_redacted"] = cur.rowcount
    await conn.execute(
        """UPDATE conversations SET state = hrm_scrub_json(state, %(i)s, %(r)s)
           WHERE person_id <> %(id)s AND lower(state::text) LIKE ANY(%(p)s)""",
        {"i": idents, "r": REDACTED, "p": pattern, "id": pid},
    )
    # The person row last: its foreign keys cascade to everything above, and its delete trigger
    # pseudonymises the audit rows.
    await conn.execute("DELETE FROM people WHERE id = %s", (pid,))
    deleted["people"] = 1
    pseudonym = None
    if audited:
        cur = await conn.execute("SELECT actor_pseudonym FROM audit_log WHERE id = %s", (audited[0],))
        after = await cur.fetchone()
        pseudonym = after["actor_pseudonym"] if after else None
    return EraseMyDataOutput(erased=True, deleted=deleted, audit_rows_pseudonymised=len(audited), pseudonym=pseudonym)


@registry.tool(permission=Permission.PROFILE_READ, chat=False)
async def erase_my_data(args: EraseMyDataInput, ctx: ToolContext) -> EraseMyDataOutput:
    """Permanently erase everything the product holds about you (profile, skills, evidence, documents,
    conversations, consents, jobs); the audit trail keeps a pseudonym instead of you. Needs
    confirm=true, given only after the person explicitly confirmed; it cannot be undone."""
    if not args.confirm:
        raise InvalidInput("erasing data is permanent: confirm it explicitly (confirm=true) to go ahead")
    row = await _subject(ctx, args.person, "erase")
    return await erase_person(ctx.conn, row)
