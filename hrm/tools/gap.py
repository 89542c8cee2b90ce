"""Gap analysis, a person against a role: what is missing or short, in which order to work on it,
how long it may take, what to learn it from, and the one skill that opens the most roles."""

from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from hrm.core.db import Conn
from hrm.core.models import LEVEL_LABELS
from hrm.core.principals import Permission
from hrm.tools import catalog
from hrm.tools.catalog import IMPORTANCE_ORDER, Requirement
from hrm.tools.context import ToolContext
from hrm.tools.learning import LearningSuggestion, suggestions_for
from hrm.tools.profile import resolve_person
from hrm.tools.registry import registry
from hrm.tools.skills import Taxonomy

LEVEL_NAMES = {0: "Not held", **LEVEL_LABELS}
MAX_SUGGESTIONS = 3
MAX_EXAMPLE_ROLES = 3


class AnalyzeGapInput(BaseModel):
    role: str = Field(
        min_length=1,
        max_length=300,
        description="The target role: a job title as people say it (e.g. 'Senior Data Engineer'), "
        "a role code or a role id.",
    )
    person: str | None = Field(
        None,
        max_length=200,
        description="Whose gap: omit (or 'me') for the caller; otherwise an email, a full name, a first "
        "name or a person id.",
    )
    taxonomy: Taxonomy = "all"


class GapRole(BaseModel):
    id: int
    title: str
    source: str
    org_specific: bool


class GapPerson(BaseModel):
    id: UUID
    name: str
    is_self: bool


class Readiness(BaseModel):
    essential_met: int
    essential_total: int
    requirements_met: int
    requirements_total: int
    weighted_coverage: float = Field(
        description="Percent of the role's requirements covered, weighted by importance (essential 3, "
        "important 2, nice to have 1), a short skill counting in proportion to the level reached."
    )
    summary: str


class SkillGap(BaseModel):
    priority: int = Field(description="1 = work on this first.")
    skill_id: int
    skill: str
    cluster: str | None
    current_level: int = Field(description="0 when the person does not have the skill at all.")
    current_label: str
    required_level: int
    required_label: str
    importance: str
    shortfall: int = Field(description="Levels still to climb.")
    months_low: int
    months_high: int
    learning: list[LearningSuggestion]


class Strength(BaseModel):
    skill_id: int
    skill: str
    current_level: int
    required_level: int
    importance: str


class TimeEstimate(BaseModel):
    months_low: int
    months_high: int
    explanation: str


class Unlock(BaseModel):
    skill_id: int
    skill: str
    target_level: int
    roles_unlocked: int = Field(description="Roles whose essential requirements would then all be met.")
    example_roles: list[str]
    explanation: str


class AnalyzeGapOutput(BaseModel):
    role: GapRole
    person: GapPerson
    readiness: Readiness
    gaps: list[SkillGap] = Field(description="Missing or short skills, in the order to work on them.")
    strengths: list[Strength] = Field(description="Requirements already met.")
    time_estimate: TimeEstimate
    unlocks: Unlock | None = Field(description="The missing skill that opens the most roles, if any opens one.")
    explanation: str


def _priority_key(req: Requirement, current: int) -> tuple[int, int, str]:
    # Essential before important before nice to have; within each, the bigger climb first (it
    # takes longest, so starting it early shortens the whole plan); then by name for stability.
    return (IMPORTANCE_ORDER[req.importance], -(req.required_level - current), req.name.lower())


def _coverage(reqs: list[Requirement], levels: dict[int, int]) -> float:
    total = sum(r.weight for r in reqs)
    if not total:
        return 0.0
    got = sum(r.weight * min(levels.get(r.skill_id, 0), r.required_level) / r.required_level for r in reqs)
    return round(100 * got / total, 1)


def _time_estimate(gaps: list[SkillGap]) -> TimeEstimate:
    if not gaps:
        return TimeEstimate(months_low=0, months_high=0, explanation="Nothing to close: every requirement is met.")
    # Skills can be built side by side, so the plan is as long as its longest part, not the sum of
    # its parts. The role is within reach once every essential skill is there, so the longest
    # essential gap bounds the low end; closing every gap (the slowest learner's pace on the
    # longest one) bounds the high end.
    essential = [g for g in gaps if g.importance == "essential"]
    pacing = max(essential or gaps, key=lambda g: (g.months_low, g.months_high))
    low = pacing.months_low
    high = max(g.months_high for g in gaps)
    kind = "essential gap" if essential else "gap"
    explanation = (
        f"About {low}–{high} months. Skills can be built in parallel, so the longest {kind} "
        f"({pacing.skill}, {pacing.months_low}–{pacing.months_high} months) sets the pace; "
        f"closing every gap may take up to {high} months."
    )
    return TimeEstimate(months_low=low, months_high=high, explanation=explanation)


# For each role in scope, the essential requirements the person does not meet; a role blocked by
# exactly one of them is unlocked by bringing that skill up to the role's required level.
_UNLOCKS = """
WITH held(skill_id, level) AS (SELECT * FROM unnest(%(held_ids)s::bigint[], %(held_levels)s::int[])),
cand(skill_id, level) AS (SELECT * FROM unnest(%(cand_ids)s::bigint[], %(cand_levels)s::int[])),
unmet AS (
    SELECT rs.role_id, rs.skill_id, rs.required_level
    FROM role_skills rs
    JOIN roles r ON r.id = rs.role_id
    LEFT JOIN held h ON h.skill_id = rs.skill_id
    WHERE rs.importance = 'essential' AND COALESCE(h.level, 0) < rs.required_level
      AND (%(taxonomy)s = 'all' OR r.source = %(taxonomy)s)
),
blocked_once AS (
    SELECT role_id, min(skill_id) AS skill_id, min(required_level) AS required_level
    FROM unmet GROUP BY role_id HAVING count(*) = 1
)
SELECT c.skill_id, r.id AS role_id, r.title
FROM blocked_once b
JOIN cand c ON c.skill_id = b.skill_id AND c.level >= b.required_level
JOIN roles r ON r.id = b.role_id
ORDER BY c.skill_id, (r.org_id IS NULL), r.title, r.id
"""


async def best_unlock(conn: Conn, levels: dict[int, int], gaps: list[SkillGap], taxonomy: str) -> Unlock | None:
    """The gap skill that, brought to its required level, makes the person meet every essential
    requirement of the most roles (the organisation's and the catalogue's, within ``taxonomy``)."""
    if not gaps:
        return None
    cur = await conn.execute(
        _UNLOCKS,
        {
            "held_ids": list(levels),
            "held_levels": list(levels.values()),
            "cand_ids": [g.skill_id for g in gaps],
            "cand_levels": [g.required_level for g in gaps],
            "taxonomy": taxonomy,
        },
    )
    opened: dict[int, list[str]] = {}
    for row in await cur.fetchall():
        opened.setdefault(int(row["skill_id"]), []).append(str(row["title"]))
    ranked = sorted(
        (g for g in gaps if opened.get(g.skill_id)),
        key=lambda g: (-len(opened[g.skill_id]), IMPORTANCE_ORDER[g.importance], g.skill.lower()),
    )
    if not ranked:
        return None
    best = ranked[0]
    titles = opened[best.skill_id]
    examples = list(dict.fromkeys(titles))[:MAX_EXAMPLE_ROLES]
    count = len(titles)
    explanation = (
        f"Bringing {best.skill} to {best.required_level} ({LEVEL_NAMES[best.required_level]}) would complete "
        f"the essential requirements of {count} role{'s' if count != 1 else ''}, e.g. {', '.join(examples)}."
    )
    return Unlock(
        skill_id=best.skill_id,
        skill=best.skill,
        target_level=best.required_level,
        roles_unlocked=count,
        example_roles=examples,
        explanation=explanation,
    )


def _explain(
    who: str, is_self: bool, readiness: Readiness, gaps: list[SkillGap], time: TimeEstimate, unlock: Unlock | None
) -> str:
    parts = [readiness.summary]
    if gaps:
        first = ", ".join(f"{g.skill} ({g.current_level}→{g.required_level})" for g in gaps[:3])
        parts.append(f"Work on these first: {first}.")
        parts.append(time.explanation)
    elif readiness.requirements_total:
        parts.append(f"{who} already {'meet' if is_self else 'meets'} every requirement.")
    if unlock is not None:
        parts.append(unlock.explanation)
    return " ".join(parts)


@registry.tool(permission=Permission.PROFILE_READ)
async def analyze_gap(args: AnalyzeGapInput, ctx: ToolContext) -> AnalyzeGapOutput:
    """Compare a person's skills with a role: each missing or short skill with current and required
    level (1 Novice to 5 Expert) and importance, in priority order, with months to close it and what
    to learn it from; the skills already met; a total time estimate; and the one skill that would
    unlock the most roles. Use for "what am I missing to become a …?". Employees can analyse
    themselves, managers their reports, HR and admins anyone in their organisation."""
    person_row: dict[str, Any] = await resolve_person(ctx.conn, ctx.principal, args.person)
    role = await catalog.resolve_role(ctx.conn, ctx.embedder, args.role, taxonomy=args.taxonomy)
    reqs = (await catalog.requirements(ctx.conn, [role.id]))[role.id]
    person_id: UUID = person_row["id"]
    levels = (await catalog.effective_levels(ctx.conn, [person_id]))[person_id]
    is_self = person_id == ctx.principal.person_id
    name = f"{person_row['first_name']} {person_row['last_name']}"
    who = "You" if is_self else name

    short = [r for r in reqs if levels.get(r.skill_id, 0) < r.required_level]
    short.sort(key=lambda r: _priority_key(r, levels.get(r.skill_id, 0)))
    learning = await suggestions_for(ctx.conn, [(r.skill_id, r.cluster) for r in short], limit=MAX_SUGGESTIONS)
    gaps = []
    for rank, r in enumerate(short, start=1):
        current = levels.get(r.skill_id, 0)
        low, high = catalog.months_to_reach(current, r.required_level)
        gaps.append(
            SkillGap(
                priority=rank,
                skill_id=r.skill_id,
                skill=r.name,
                cluster=r.cluster,
                current_level=current,
                current_label=LEVEL_NAMES[current],
                required_level=r.required_level,
                required_label=LEVEL_NAMES[r.required_level],
                importance=r.importance,
                shortfall=r.required_level - current,
                months_low=low,
                months_high=high,
                learning=learning[r.skill_id],
            )
        )
    strengths = [
        Strength(
            skill_id=r.skill_id,
            skill=r.name,
            current_level=levels[r.skill_id],
            required_level=r.required_level,
            importance=r.importance,
        )
        for r in reqs
        if levels.get(r.skill_id, 0) >= r.required_level
    ]

    essential = [r for r in reqs if r.importance == "essential"]
    essential_met = sum(1 for r in essential if levels.get(r.skill_id, 0) >= r.required_level)
    coverage = _coverage(reqs, levels)
    if reqs:
        summary = (
            f"{who} {'meet' if is_self else 'meets'} {essential_met} of {len(essential)} essential requirements "
            f"for {role.title} ({coverage:g}% weighted coverage)."
        )
    else:
        summary = f"{role.title} has no recorded skill requirements, so there is nothing to compare."
    readiness = Readiness(
        essential_met=essential_met,
        essential_total=len(essential),
        requirements_met=len(strengths),
        requirements_total=len(reqs),
        weighted_coverage=coverage,
        summary=summary,
    )
    time = _time_estimate(gaps)
    unlock = await best_unlock(ctx.conn, levels, gaps, args.taxonomy)
    return AnalyzeGapOutput(
        role=GapRole(id=role.id, title=role.title, source=role.source, org_specific=role.org_specific),
        person=GapPerson(id=person_id, name=name, is_self=is_self),
        readiness=readiness,
        gaps=gaps,
        strengths=strengths,
        time_estimate=time,
        unlocks=unlock,
        explanation=_explain(who, is_self, readiness, gaps, time, unlock),
    )
