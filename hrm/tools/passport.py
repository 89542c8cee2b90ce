"""The skill passport: inferred skills kept with their evidence, and people confirming, disputing
or assessing them. Inference never overwrites what a person or their manager said: each source
has its own row, and every change is appended to the history."""

from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field, model_validator

from hrm.core.access import can_view_person
from hrm.core.db import Conn
from hrm.core.errors import InvalidInput, PermissionDenied
from hrm.core.principals import AppRole, Permission, Principal
from hrm.retrieval.intake import Document
from hrm.tools.context import ToolContext
from hrm.tools.inference.aggregate import InferredSkill
from hrm.tools.profile import ProfileSkill, load_profile_skills, resolve_person
from hrm.tools.registry import registry
from hrm.tools.skills import find_skill

Action = Literal["confirm", "dispute", "self_assess", "manager_assess"]


async def _history(
    conn: Conn, principal: Principal, person_id: UUID, skill_id: int, source: str, action: str,
    old: dict[str, Any] | None, level: int | None, status: str | None, reason: str | None,
) -> None:  # fmt: skip
    await conn.execute(
        """INSERT INTO person_skill_history (org_id, person_id, skill_id, source, action, old_level, new_level,
                                             old_status, new_status, reason, changed_by)
           VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)""",
        (principal.org_id, person_id, skill_id, source, action, old["level"] if old else None, level,
         old["status"] if old else None, status, reason, principal.person_id),
    )  # fmt: skip


async def store_inference(
    conn: Conn, principal: Principal, person_id: UUID, documents: list[Document], skills: list[InferredSkill]
) -> int:
    """Keep inferred skills as ``inferred`` rows with their evidence; a person's earlier verdict
    on an inferred skill (confirmed or disputed) stands."""
    doc_ids: dict[str, UUID] = {}
    for document in documents:
        cur = await conn.execute(
            """INSERT INTO documents (org_id, person_id, filename, media_type, source, sha256, text)
               VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id""",
            (principal.org_id, person_id, document.file, document.media_type, document.source, document.sha256,
             document.text),
        )  # fmt: skip
        row = await cur.fetchone()
        assert row is not None
        doc_ids[document.file] = row["id"]
    for skill in skills:
        cur = await conn.execute(
            "SELECT id, level, status FROM person_skills "
            "WHERE person_id = %s AND skill_id = %s AND source = 'inferred'",
            (person_id, skill.skill_id),
        )
        old = await cur.fetchone()
        cur = await conn.execute(
            """INSERT INTO person_skills (org_id, person_id, skill_id, level, confidence, source, status)
               VALUES (%s, %s, %s, %s, %s, 'inferred', 'inferred')
               ON CONFLICT (person_id, skill_id, source) DO UPDATE SET
                   level = EXCLUDED.level, confidence = EXCLUDED.confidence, updated_at = now()
               RETURNING id, status""",
            (principal.org_id, person_id, skill.skill_id, skill.proficiency, skill.confidence),
        )
        row = await cur.fetchone()
        assert row is not None
        await conn.execute("DELETE FROM evidence WHERE person_skill_id = %s", (row["id"],))
        for e in skill.evidence:
            await conn.execute(
                """INSERT INTO evidence (org_id, person_skill_id, document_id, source, quote, start_offset, end_offset)
                   VALUES (%s, %s, %s, %s, %s, %s, %s)""",
                (principal.org_id, row["id"], doc_ids.get(e.file), e.source, e.quote, e.start, e.end),
            )
        await _history(conn, principal, person_id, skill.skill_id, "inferred", "inferred", old, skill.proficiency,
                       row["status"], None)  # fmt: skip
    return len(skills)


class UpdateSkillInput(BaseModel):
    skill: str = Field(min_length=1, max_length=200, description="The skill's name, alias or id.")
    action: Action = Field(
        description="confirm or dispute an inferred skill, self_assess your level, "
        "or (managers) manager_assess a report."
    )
    level: int | None = Field(None, ge=1, le=5, description="1 Novice … 5 Expert; needed to assess.")
    reason: str | None = Field(None, max_length=500, description="Why, when disputing.")
    person: str | None = Field(
        None, max_length=200, description="Whose skill: omit for yourself; a report for managers."
    )

    @model_validator(mode="after")
    def _needs(self) -> "UpdateSkillInput":
        if self.action in ("self_assess", "manager_assess") and self.level is None:
            raise ValueError("a level from 1 to 5 is needed to assess")
        if self.action == "dispute" and not (self.reason and self.reason.strip()):
            raise ValueError("say why you dispute it (reason)")
        return self


class UpdateSkillOutput(BaseModel):
    person: str
    skill: ProfileSkill
    action: Action
    history_entries: int


@registry.tool(permission=Permission.PROFILE_READ)
async def update_skill(args: UpdateSkillInput, ctx: ToolContext) -> UpdateSkillOutput:
    """Confirm or dispute one of your inferred skills, assess your own level, or (managers) record an
    assessment of a report's skill. Every change is kept in the skill's history."""
    row = await resolve_person(ctx.conn, ctx.principal, args.person)
    person_id: UUID = row["id"]
    is_self = person_id == ctx.principal.person_id
    if args.action == "manager_assess":
        in_line = ctx.principal.role in (AppRole.MANAGER, AppRole.ADMIN) and not is_self
        if not (in_line and await can_view_person(ctx.conn, ctx.principal, person_id)):
            raise PermissionDenied("only the person's manager can record a manager assessment")
    elif not is_self:
        raise PermissionDenied("only the person themselves can confirm, dispute or self-assess a skill")
    skill_id = await find_skill(ctx.conn, args.skill)
    source = {"self_assess": "self", "manager_assess": "manager"}.get(args.action, "inferred")
    cur = await ctx.conn.execute(
        "SELECT id, level, status FROM person_skills WHERE person_id = %s AND skill_id = %s AND source = %s",
        (person_id, skill_id, source),
    )
    old = await cur.fetchone()
    if source == "inferred":
        if old is None:
            raise InvalidInput("that skill was not inferred for you; to add it, self-assess your level instead")
        status = "confirmed" if args.action == "confirm" else "disputed"
        await ctx.conn.execute(
            "UPDATE person_skills SET status = %s, note = %s, updated_at = now() WHERE id = %s",
            (status, args.reason, old["id"]),
        )
        level = old["level"]
    else:
        status, level = "confirmed", args.level
        await ctx.conn.execute(
            """INSERT INTO person_skills (org_id, person_id, skill_id, level, confidence, source, status)
               VALUES (%s, %s, %s, %s, 1.0, %s, 'confirmed')
               ON CONFLICT (person_id, skill_id, source) DO UPDATE SET level = EXCLUDED.level, updated_at = now()""",
            (ctx.principal.org_id, person_id, skill_id, level, source),
        )
    await _history(ctx.conn, ctx.principal, person_id, skill_id, source, args.action, old, level, status, args.reason)
    skills = [s for s in await load_profile_skills(ctx.conn, person_id) if s.skill_id == skill_id]
    cur = await ctx.conn.execute(
        "SELECT count(*) AS n FROM person_skill_history WHERE person_id = %s AND skill_id = %s", (person_id, skill_id)
    )
    count = await cur.fetchone()
    return UpdateSkillOutput(
        person=f"{row['first_name']} {row['last_name']}", skill=skills[0], action=args.action,
        history_entries=int(count["n"]) if count else 0,
    )  # fmt: skip
