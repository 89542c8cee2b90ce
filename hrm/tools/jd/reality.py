"""Reality check: the JD's required skills against what the people who hold the role today have.

A requirement that no current holder meets is not necessarily wrong, but it is worth a second look:
either the bar is above the people doing the job now, or the organisation's skill data is thin.
Only counts leave this module; which person lacks what stays with the gap and team tools.
"""

from typing import Any

from hrm.core.db import Conn
from hrm.retrieval.embeddings import Embedder
from hrm.tools import catalog
from hrm.tools.jd.model import JobDescription, RealityReport, SkillReality


async def holders(conn: Conn, embedder: Embedder, role_id: int) -> list[Any]:
    """Ids of the people whose recorded role, or job title read as a role, is ``role_id``."""
    cur = await conn.execute("SELECT id, job_title, role_id FROM people ORDER BY id")
    people = list(await cur.fetchall())
    by_title: dict[str, int | None] = {}
    out = []
    for person in people:
        if person["role_id"] is not None:
            if int(person["role_id"]) == role_id:
                out.append(person["id"])
            continue
        title = str(person["job_title"] or "").strip()
        if title not in by_title:
            role = await catalog.person_role(conn, embedder, dict(person))
            by_title[title] = role.id if role else None
        if by_title[title] == role_id:
            out.append(person["id"])
    return out


async def check(conn: Conn, embedder: Embedder, jd: JobDescription) -> RealityReport:
    people = await holders(conn, embedder, jd.role_id) if jd.role_id else []
    levels = await catalog.effective_levels(conn, people) if people else {}
    rows = []
    for skill in jd.skills:
        held = [lv[skill.skill_id] for lv in levels.values() if skill.skill_id in lv]
        rows.append(
            SkillReality(
                skill_id=skill.skill_id,
                name=skill.name,
                required_level=skill.required_level,
                importance=skill.importance,
                holders_meeting=sum(1 for level in held if level >= skill.required_level),
                holders_with_skill=len(held),
            )
        )
    unmet = [r.name for r in rows if r.holders_meeting == 0] if people else []
    if not people:
        note = "Nobody in the organisation holds this role today, so there is nothing to compare against."
    elif unmet:
        note = (
            f"{len(unmet)} of {len(rows)} requirements are met by none of the {len(people)} current holder(s): "
            + ", ".join(unmet)
            + ". Check the level asked for, or whether their skills are recorded."
        )
    else:
        note = f"Every requirement is met by at least one of the {len(people)} current holder(s)."
    return RealityReport(holders=len(people), skills=rows, unmet=unmet, note=note)
