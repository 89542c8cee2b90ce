"""A person's skills profile, within the caller's permissions."""

from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from hrm.core.access import can_view_person
from hrm.core.db import Conn
from hrm.core.errors import InvalidInput, NotFound, PermissionDenied
from hrm.core.models import LEVEL_LABELS, SOURCE_PRIORITY
from hrm.core.principals import AppRole, Permission, Principal
from hrm.core.text import norm
from hrm.tools.context import ToolContext
from hrm.tools.registry import registry

SELF_WORDS = frozenset({"", "me", "myself", "my", "i", "self"})


class GetProfileInput(BaseModel):
    person: str | None = Field(
        None,
        max_length=200,
        description="Whose profile: omit (or 'me') for the caller; otherwise an email, a full name, "
        "a first name or a person id.",
    )


class PersonSummary(BaseModel):
    id: UUID
    name: str
    email: str
    job_title: str
    department: str
    location: str
    manager: str | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "PersonSummary":
        """From a people row joined with the manager's name as ``manager``."""
        return cls(
            id=row["id"],
            name=f"{row['first_name']} {row['last_name']}",
            email=str(row["email"]),
            job_title=str(row["job_title"]),
            department=str(row["department"]),
            location=str(row["location"]),
            manager=row["manager"],
        )


class ProfileSkill(BaseModel):
    skill_id: int
    name: str
    type: str
    cluster: str | None
    level: int
    level_label: str
    confidence: float
    status: str
    sources: list[str] = Field(description="Every source reporting this skill, the one shown first.")


class GetProfileOutput(BaseModel):
    person: PersonSummary
    is_self: bool
    skills: list[ProfileSkill]


_PERSON_COLUMNS = """p.id, p.email, p.first_name, p.last_name, p.job_title, p.department, p.location,
    m.first_name || ' ' || m.last_name AS manager"""


async def _candidates(conn: Conn, principal: Principal, ref: str | None) -> list[dict[str, Any]]:
    text = (ref or "").strip()
    base = f"SELECT {_PERSON_COLUMNS} FROM people p LEFT JOIN people m ON m.id = p.manager_id"
    if text.lower() in SELF_WORDS:
        cur = await conn.execute(f"{base} WHERE p.id = %s", (principal.person_id,))
        return list(await cur.fetchall())
    try:
        cur = await conn.execute(f"{base} WHERE p.id = %s", (UUID(text),))
        return list(await cur.fetchall())
    except ValueError:
        pass
    if "@" in text:
        cur = await conn.execute(f"{base} WHERE p.email = %s", (text.lower(),))
        return list(await cur.fetchall())
    key = norm(text)
    cur = await conn.execute(
        f"""{base} WHERE regexp_replace(lower(p.first_name || p.last_name), '[^a-z0-9]', '', 'g') = %(key)s
            OR regexp_replace(lower(p.first_name), '[^a-z0-9]', '', 'g') = %(key)s
            OR regexp_replace(lower(p.last_name), '[^a-z0-9]', '', 'g') = %(key)s
            ORDER BY p.last_name, p.first_name, p.id""",
        {"key": key},
    )
    return list(await cur.fetchall())


async def resolve_person(conn: Conn, principal: Principal, ref: str | None) -> dict[str, Any]:
    """Find the one person ``ref`` names that the caller may see, or explain why not."""
    found = await _candidates(conn, principal, ref)
    if not found:
        raise NotFound(f"I couldn't find anyone matching {ref!r} in your organisation.")
    visible = [row for row in found if await can_view_person(conn, principal, row["id"])]
    if not visible:
        scope = (
            "your own skills and those of the people who report to you"
            if principal.role == AppRole.MANAGER
            else "your own skills"
        )
        raise PermissionDenied(f"You can only see {scope}; ask them, or HR, directly.")
    if len(visible) > 1:
        names = ", ".join(f"{r['first_name']} {r['last_name']} ({r['email']})" for r in visible[:5])
        raise InvalidInput(f"Several people match {ref!r}: {names}. Which one do you mean?")
    return visible[0]


_SKILLS = """
SELECT ps.skill_id, s.name, s.type, s.cluster, ps.level, ps.confidence, ps.status, ps.source
FROM person_skills ps JOIN skills s ON s.id = ps.skill_id
WHERE ps.person_id = %s
"""


async def load_profile_skills(conn: Conn, person_id: UUID) -> list[ProfileSkill]:
    cur = await conn.execute(_SKILLS, (person_id,))
    priority = {source.value: rank for rank, source in enumerate(SOURCE_PRIORITY)}
    by_skill: dict[int, list[dict[str, Any]]] = {}
    for row in await cur.fetchall():
        by_skill.setdefault(int(row["skill_id"]), []).append(row)
    skills = []
    for rows in by_skill.values():
        rows.sort(key=lambda r: priority.get(str(r["source"]), 99))
        top = rows[0]
        level = int(top["level"])
        skills.append(
            ProfileSkill(
                skill_id=int(top["skill_id"]),
                name=str(top["name"]),
                type=str(top["type"]),
                cluster=top["cluster"],
                level=level,
                level_label=LEVEL_LABELS[level],
                confidence=round(float(top["confidence"]), 3),
                status=str(top["status"]),
                sources=[str(r["source"]) for r in rows],
            )
        )
    skills.sort(key=lambda s: (-s.level, s.name.lower()))
    return skills


@registry.tool(permission=Permission.PROFILE_READ)
async def get_profile(args: GetProfileInput, ctx: ToolContext) -> GetProfileOutput:
    """Show a person's skills with levels (1 Novice to 5 Expert). Employees see themselves, managers
    their direct and indirect reports, HR and admins anyone in their organisation."""
    person = PersonSummary.from_row(await resolve_person(ctx.conn, ctx.principal, args.person))
    return GetProfileOutput(
        person=person,
        is_self=person.id == ctx.principal.person_id,
        skills=await load_profile_skills(ctx.conn, person.id),
    )
