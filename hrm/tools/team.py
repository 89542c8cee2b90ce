"""Team skills analytics: the skills matrix, who knows a skill, coverage of the team's roles and its
gaps, single points of failure, who could cover for someone, and development priorities.

Who is in the team and what the caller may see of it is decided in ``hrm.tools.team_scope`` (its
docstring states the privacy rules); this module computes over the members it is given and drops
names and individual levels whenever the scope is an aggregate one. Levels are the effective ones
from ``catalog.effective_levels`` (the most trusted source, disputed ratings ignored).
"""

from dataclasses import dataclass, field
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from hrm.core.db import Conn
from hrm.core.errors import InvalidInput, PermissionDenied
from hrm.core.models import LEVEL_LABELS
from hrm.core.principals import Permission
from hrm.retrieval.embeddings import Embedder
from hrm.tools import catalog
from hrm.tools.catalog import IMPORTANCE_ORDER, IMPORTANCE_WEIGHT, Requirement, RoleRef
from hrm.tools.context import ToolContext
from hrm.tools.profile import resolve_person
from hrm.tools.registry import registry
from hrm.tools.skills import find_skill
from hrm.tools.team_scope import MIN_GROUP, Member, Scope, resolve_scope, withheld_sentence

View = Literal["summary", "matrix", "who_knows", "coverage", "spof", "cover", "priorities"]
# Views that name or single out people: never answered as aggregates.
NAMED_VIEWS = frozenset({"matrix", "spof", "cover", "priorities"})
MATRIX_COLUMNS = 25
# A gap's "closest" people and a single point's backups: enough to act on, short enough for chat.
SHORTLIST = 3
# Below this level a skill is too thin to count when matching someone's profile for cover.
COVER_MIN_LEVEL = 2


class TeamSkillsInput(BaseModel):
    team: str | None = Field(
        None,
        max_length=200,
        description="Whose team: a manager's email or name (their whole reporting tree), a department name, "
        "'organisation', or 'me'. Omit for the caller's own reports (managers), the organisation (HR, admins), "
        "or the caller's department (employees, as anonymous counts).",
    )
    skill: str | None = Field(
        None, min_length=1, max_length=200, description="A skill name or alias, e.g. 'Kubernetes' (for who_knows)."
    )
    min_level: int = Field(
        3, ge=1, le=5, description="Level that counts as knowing a skill (1 Novice … 3 Proficient … 5 Expert)."
    )
    cover_for: str | None = Field(
        None, min_length=1, max_length=200, description="A person (email or name) to find cover for (view 'cover')."
    )
    view: View | None = Field(
        None,
        description="summary (overview), matrix (people × skills), who_knows (needs skill), coverage (team roles' "
        "requirements and gaps), spof (skills only one person holds), cover (needs cover_for), priorities "
        "(what to develop or hire first). Omitted: cover with cover_for, who_knows with skill, else summary.",
    )
    limit: int = Field(20, ge=1, le=200, description="Most people or items to list.")


class TeamInfo(BaseModel):
    label: str
    kind: str = Field(description="self, reports, department or organisation")
    headcount: int | None = Field(description="Absent when the group is too small to describe.")
    named: bool = Field(description="True when the answer may name people; False for anonymous counts.")


class PersonLevel(BaseModel):
    name: str
    email: str
    level: int
    level_label: str


class WhoKnows(BaseModel):
    skill_id: int
    skill: str
    count_at_or_above: int = Field(description="People holding the skill at min_level or above.")
    count_holding: int = Field(description="People holding it at any level.")
    people: list[PersonLevel] = Field(description="Those at min_level or above, best first (named answers only).")
    below: list[PersonLevel] = Field(description="Those holding it below min_level (named answers only).")
    level_counts: dict[int, int] | None = Field(
        description=f"People per level; in anonymous answers only when at least {MIN_GROUP} hold the skill."
    )


class MatrixRow(BaseModel):
    name: str
    email: str
    job_title: str
    levels: dict[str, int] = Field(description="Skill name → level, for the matrix's skills this person holds.")


class TeamMatrix(BaseModel):
    skills: list[str] = Field(description="Columns: the skills most people in the team hold first.")
    rows: list[MatrixRow]
    more_people: int
    more_skills: int


class RequirementStatus(BaseModel):
    skill_id: int
    skill: str
    required_level: int
    importance: str
    met: bool = Field(description="Someone in the team holds it at the required level or above.")
    people_meeting: int
    best_level: int | None = Field(description="The team's highest level (named answers only).")
    meeting: list[str] = Field(description="Who meets it (named answers only).")


class RoleCoverage(BaseModel):
    role_id: int
    title: str
    holders: int = Field(description="Team members in this role.")
    coverage_pct: float = Field(description="Share of the role's requirements the team meets, weighted by importance.")
    met: int
    total: int
    requirements: list[RequirementStatus]


class TeamGap(BaseModel):
    skill_id: int
    skill: str
    required_level: int
    importance: str
    roles: list[str]
    best_level: int | None = Field(description="The team's highest level in it, 0 when nobody holds it (named only).")
    closest: list[PersonLevel] = Field(description="Who is nearest the required level (named answers only).")


class SinglePoint(BaseModel):
    skill_id: int
    skill: str
    holder: PersonLevel
    importance: str | None = Field(description="The most a team role needs it: essential, important, nice_to_have.")
    roles: list[str]
    backups: list[PersonLevel] = Field(description="Others holding it below min_level, best first.")


class SharedSkill(BaseModel):
    skill: str
    their_level: int
    candidate_level: int


class CoverCandidate(BaseModel):
    name: str
    email: str
    score: float = Field(description="0–1: the share of the person's skill levels this candidate matches.")
    shared: list[SharedSkill]


class CoverResult(BaseModel):
    person: str
    email: str
    skills_considered: int
    candidates: list[CoverCandidate]
    uncovered: list[str] = Field(description="The person's skills nobody else holds at a level that could stand in.")


class Priority(BaseModel):
    rank: int
    kind: Literal["gap", "single_point"]
    skill: str
    importance: str | None
    roles: list[str]
    detail: str
    action: str


class SkillCount(BaseModel):
    skill_id: int
    skill: str
    count: int = Field(description="People at min_level or above.")


class TeamSkillsOutput(BaseModel):
    team: TeamInfo
    view: View
    min_level: int
    explanation: str = Field(description="A plain summary, ready to say in chat.")
    privacy_note: str | None = None
    who_knows: WhoKnows | None = None
    matrix: TeamMatrix | None = None
    top_skills: list[SkillCount] = Field(default_factory=list)
    coverage: list[RoleCoverage] = Field(default_factory=list)
    gaps: list[TeamGap] = Field(default_factory=list)
    single_points: list[SinglePoint] = Field(default_factory=list)
    cover: CoverResult | None = None
    priorities: list[Priority] = Field(default_factory=list)
    roles_not_shown: int = Field(0, description=f"Roles held by fewer than {MIN_GROUP} people (anonymous answers).")
    people_without_role: int = 0


# ----------------------------------------------------------------------------- team data


@dataclass
class TeamData:
    members: list[Member]
    levels: dict[UUID, dict[int, int]]
    names: dict[int, str]
    roles: dict[UUID, RoleRef | None] = field(default_factory=dict)
    reqs: dict[int, list[Requirement]] = field(default_factory=dict)

    def level(self, person: UUID, skill: int) -> int:
        return self.levels.get(person, {}).get(skill, 0)

    def holders(self, skill: int, *, at_least: int = 1) -> list[tuple[Member, int]]:
        """Members holding ``skill`` at ``at_least`` or above, best first."""
        found = [(m, self.level(m.id, skill)) for m in self.members]
        return sorted(((m, lv) for m, lv in found if lv >= at_least), key=lambda x: (-x[1], x[0].name))

    def skills(self) -> set[int]:
        return {s for levels in self.levels.values() for s in levels}

    def role_members(self) -> dict[int, list[Member]]:
        out: dict[int, list[Member]] = {}
        for m in self.members:
            role = self.roles.get(m.id)
            if role is not None:
                out.setdefault(role.id, []).append(m)
        return out

    def role_titles(self) -> dict[int, str]:
        return {r.id: r.title for r in self.roles.values() if r is not None}


async def _skill_names(conn: Conn, ids: set[int]) -> dict[int, str]:
    cur = await conn.execute("SELECT id, name FROM skills WHERE id = ANY(%s)", (sorted(ids),))
    return {int(row["id"]): str(row["name"]) for row in await cur.fetchall()}


async def load_team(conn: Conn, members: list[Member]) -> TeamData:
    levels = await catalog.effective_levels(conn, [m.id for m in members])
    names = await _skill_names(conn, {s for lv in levels.values() for s in lv})
    return TeamData(members=members, levels=levels, names=names)


async def load_roles(conn: Conn, embedder: Embedder, data: TeamData) -> None:
    """Each member's role and every team role's requirements (one title lookup per distinct title)."""
    cache: dict[tuple[int | None, str], RoleRef | None] = {}
    for m in data.members:
        key = (m.role_id, m.job_title.strip().lower())
        if key not in cache:
            cache[key] = await catalog.person_role(conn, embedder, m.as_row())
        data.roles[m.id] = cache[key]
    role_ids = sorted({r.id for r in data.roles.values() if r is not None})
    data.reqs = await catalog.requirements(conn, role_ids)
    extra = {req.skill_id for reqs in data.reqs.values() for req in reqs} - set(data.names)
    data.names.update({req.skill_id: req.name for reqs in data.reqs.values() for req in reqs if req.skill_id in extra})


def _person(m: Member, level: int) -> PersonLevel:
    return PersonLevel(name=m.name, email=m.email, level=level, level_label=LEVEL_LABELS.get(level, "none"))


def _level_text(level: int) -> str:
    return f"{LEVEL_LABELS[level]} ({level})"


def _people_text(people: list[PersonLevel]) -> str:
    return ", ".join(f"{p.name} ({p.level})" for p in people)


# ----------------------------------------------------------------------------- who knows, matrix


def who_knows(data: TeamData, skill_id: int, skill: str, min_level: int, *, named: bool) -> WhoKnows:
    holding = data.holders(skill_id)
    above = [(m, lv) for m, lv in holding if lv >= min_level]
    counts: dict[int, int] = {}
    for _, lv in holding:
        counts[lv] = counts.get(lv, 0) + 1
    show_counts = named or len(holding) >= MIN_GROUP
    return WhoKnows(
        skill_id=skill_id,
        skill=skill,
        count_at_or_above=len(above),
        count_holding=len(holding),
        people=[_person(m, lv) for m, lv in above] if named else [],
        below=[_person(m, lv) for m, lv in holding if lv < min_level] if named else [],
        level_counts=dict(sorted(counts.items(), reverse=True)) if show_counts else None,
    )


def _who_knows_text(scope: Scope, wk: WhoKnows, min_level: int, named: bool) -> str:
    where = f"In {scope.label} ({scope.size} people)"
    threshold = f"{wk.skill} at {_level_text(min_level)} or above"
    if named:
        if not wk.people:
            text = f"{where}, nobody has {threshold}."
        else:
            text = f"{where}, {len(wk.people)} {'person has' if len(wk.people) == 1 else 'people have'} {threshold}: "
            text += _people_text(wk.people) + "."
        if wk.below:
            text += f" Below that level: {_people_text(wk.below)}."
        return text
    above, holding = wk.count_at_or_above, wk.count_holding
    text = f"{where}, {above} {'person holds' if above == 1 else 'people hold'} {threshold}, and {holding} "
    text += f"{'holds' if holding == 1 else 'hold'} it at any level."
    if wk.level_counts:
        text += " By level: " + ", ".join(f"{n} at {lv}" for lv, n in wk.level_counts.items()) + "."
    return text


def matrix(data: TeamData, limit: int, only: int | None) -> TeamMatrix:
    held = {s: len(data.holders(s)) for s in data.skills()}
    columns = [only] if only is not None else sorted(held, key=lambda s: (-held[s], data.names[s].lower()))
    shown = columns[:MATRIX_COLUMNS]
    rows = [
        MatrixRow(
            name=m.name,
            email=m.email,
            job_title=m.job_title,
            levels={data.names[s]: data.level(m.id, s) for s in shown if data.level(m.id, s)},
        )
        for m in sorted(data.members, key=lambda m: m.name)[:limit]
    ]
    return TeamMatrix(
        skills=[data.names[s] for s in shown],
        rows=rows,
        more_people=max(len(data.members) - limit, 0),
        more_skills=len(columns) - len(shown),
    )


def top_skills(data: TeamData, min_level: int, limit: int) -> list[SkillCount]:
    counted = [(s, len(data.holders(s, at_least=min_level))) for s in data.skills()]
    counted = [(s, n) for s, n in counted if n]
    counted.sort(key=lambda x: (-x[1], data.names[x[0]].lower()))
    return [SkillCount(skill_id=s, skill=data.names[s], count=n) for s, n in counted[:limit]]


# ----------------------------------------------------------------------------- coverage and gaps


def coverage(data: TeamData, *, named: bool) -> tuple[list[RoleCoverage], int]:
    """Each team role against the whole team; anonymous answers skip roles held by too few people."""
    out: list[RoleCoverage] = []
    hidden = 0
    titles = data.role_titles()
    for role_id, holders in data.role_members().items():
        if not named and len(holders) < MIN_GROUP:
            hidden += 1
            continue
        statuses = []
        for req in data.reqs.get(role_id, []):
            meeting = data.holders(req.skill_id, at_least=req.required_level)
            best = data.holders(req.skill_id)
            statuses.append(
                RequirementStatus(
                    skill_id=req.skill_id,
                    skill=req.name,
                    required_level=req.required_level,
                    importance=req.importance,
                    met=bool(meeting),
                    people_meeting=len(meeting),
                    best_level=(best[0][1] if best else 0) if named else None,
                    meeting=[m.name for m, _ in meeting] if named else [],
                )
            )
        total = sum(IMPORTANCE_WEIGHT[s.importance] for s in statuses)
        met = sum(IMPORTANCE_WEIGHT[s.importance] for s in statuses if s.met)
        out.append(
            RoleCoverage(
                role_id=role_id,
                title=titles[role_id],
                holders=len(holders),
                coverage_pct=round(100 * met / total, 1) if total else 100.0,
                met=sum(s.met for s in statuses),
                total=len(statuses),
                requirements=statuses,
            )
        )
    out.sort(key=lambda c: (c.coverage_pct, -c.holders, c.title))
    return out, hidden


def gaps(data: TeamData, roles: list[RoleCoverage], *, named: bool) -> list[TeamGap]:
    """Essential and important requirements nobody in the team meets, merged across roles."""
    merged: dict[int, TeamGap] = {}
    for role in roles:
        for req in role.requirements:
            if req.met or req.importance == "nice_to_have":
                continue
            gap = merged.get(req.skill_id)
            if gap is None:
                merged[req.skill_id] = TeamGap(
                    skill_id=req.skill_id,
                    skill=req.skill,
                    required_level=req.required_level,
                    importance=req.importance,
                    roles=[role.title],
                    best_level=None,
                    closest=[],
                )
                continue
            gap.roles.append(role.title)
            gap.required_level = max(gap.required_level, req.required_level)
            if IMPORTANCE_ORDER[req.importance] < IMPORTANCE_ORDER[gap.importance]:
                gap.importance = req.importance
    found = sorted(merged.values(), key=lambda g: (IMPORTANCE_ORDER[g.importance], -g.required_level, g.skill))
    if named:
        for gap in found:
            near = data.holders(gap.skill_id)
            gap.best_level = near[0][1] if near else 0
            gap.closest = [_person(m, lv) for m, lv in near[:SHORTLIST]]
        # Among equally important gaps, the widest first: nobody holding a skill beats one level short.
        found.sort(key=lambda g: (IMPORTANCE_ORDER[g.importance], (g.best_level or 0) - g.required_level, g.skill))
    return found


def _importance_index(data: TeamData) -> dict[int, tuple[str, list[str]]]:
    """Skill → the most a team role needs it, and which team roles need it."""
    titles = data.role_titles()
    index: dict[int, tuple[str, list[str]]] = {}
    for role_id in data.role_members():
        for req in data.reqs.get(role_id, []):
            importance, roles = index.get(req.skill_id, (req.importance, []))
            if IMPORTANCE_ORDER[req.importance] < IMPORTANCE_ORDER[importance]:
                importance = req.importance
            index[req.skill_id] = (importance, [*roles, titles[role_id]])
    return index


def single_points(data: TeamData, min_level: int, only: int | None) -> list[SinglePoint]:
    """Skills exactly one member holds at ``min_level`` or above, the ones team roles need most first."""
    index = _importance_index(data)
    out = []
    for skill in data.skills() if only is None else {only}:
        holding = data.holders(skill)
        above = [(m, lv) for m, lv in holding if lv >= min_level]
        if len(above) != 1:
            continue
        importance, roles = index.get(skill, (None, []))
        out.append(
            SinglePoint(
                skill_id=skill,
                skill=data.names[skill],
                holder=_person(*above[0]),
                importance=importance,
                roles=sorted(set(roles)),
                backups=[_person(m, lv) for m, lv in holding[1 : 1 + SHORTLIST]],
            )
        )
    out.sort(key=lambda p: (IMPORTANCE_ORDER.get(p.importance or "", 3), p.skill.lower()))
    return out


# ----------------------------------------------------------------------------- cover and priorities


def cover_for(data: TeamData, person: Member, their: dict[int, int], min_level: int, limit: int) -> CoverResult:
    """Others ranked by weighted overlap: the sum of min(their level, candidate level) over the person's
    skills at level 2 or above, divided by the sum of the person's levels."""
    skills = {s: lv for s, lv in their.items() if lv >= COVER_MIN_LEVEL}
    total = sum(skills.values())
    others = [m for m in data.members if m.id != person.id]
    candidates = []
    for m in others:
        shared = [
            SharedSkill(skill=data.names[s], their_level=lv, candidate_level=data.level(m.id, s))
            for s, lv in skills.items()
            if data.level(m.id, s)
        ]
        overlap = sum(min(s.their_level, s.candidate_level) for s in shared)
        if overlap:
            shared.sort(key=lambda s: (-min(s.their_level, s.candidate_level), s.skill.lower()))
            candidates.append(
                CoverCandidate(name=m.name, email=m.email, score=round(overlap / total, 3), shared=shared)
            )
    candidates.sort(key=lambda c: (-c.score, c.name))
    # A stand-in needs the person's own level, or min_level when the person is above it.
    uncovered = [
        data.names[s] for s, lv in skills.items() if not any(data.level(m.id, s) >= min(lv, min_level) for m in others)
    ]
    return CoverResult(
        person=person.name,
        email=person.email,
        skills_considered=len(skills),
        candidates=candidates[:limit],
        uncovered=sorted(uncovered, key=str.lower),
    )


def _cover_text(result: CoverResult) -> str:
    if not result.skills_considered:
        return f"{result.person} has no skills recorded at level {COVER_MIN_LEVEL} or above, so I can't match cover."
    if not result.candidates:
        text = f"Nobody else in the team shares any of {result.person}'s skills."
    else:
        best = result.candidates[0]
        shared = ", ".join(s.skill for s in best.shared[:4])
        text = f"Best cover for {result.person}: {best.name} ({round(best.score * 100)}% overlap: {shared})."
        if len(result.candidates) > 1:
            text += " Next: " + ", ".join(f"{c.name} ({round(c.score * 100)}%)" for c in result.candidates[1:4]) + "."
    if result.uncovered:
        text += f" Nobody could stand in for: {', '.join(result.uncovered)}."
    return text


# Essential gap > single point on an essential skill > important gap > single points on less needed skills.
_PRIORITY_ORDER = {
    ("gap", "essential"): 0,
    ("single_point", "essential"): 1,
    ("gap", "important"): 2,
    ("single_point", "important"): 3,
    ("single_point", "nice_to_have"): 4,
    ("single_point", None): 5,
}


def _months(current: int, required: int) -> str:
    low, high = catalog.months_to_reach(current, required)
    return f"about {low}–{high} months"


def priorities(team_gaps: list[TeamGap], points: list[SinglePoint], min_level: int) -> list[Priority]:
    items: list[tuple[int, Priority]] = []
    for gap in team_gaps:
        roles = ", ".join(gap.roles)
        if gap.closest:
            near = gap.closest[0]
            action = (
                f"Develop {gap.skill} in {' and '.join(p.name for p in gap.closest[:2])}, the closest "
                f"({_months(near.level, gap.required_level)} for {near.name} to go from {near.level} to "
                f"{gap.required_level}), or hire."
            )
        else:
            action = (
                f"Hire for {gap.skill}, or train someone from scratch ({_months(0, gap.required_level)} "
                f"to reach {gap.required_level})."
            )
        detail = f"Nobody meets {gap.skill} at {_level_text(gap.required_level)}, {gap.importance} for {roles}."
        item = Priority(
            rank=0,
            kind="gap",
            skill=gap.skill,
            importance=gap.importance,
            roles=gap.roles,
            detail=detail,
            action=action,
        )
        items.append((_PRIORITY_ORDER[("gap", gap.importance)], item))
    for point in points:
        holder = point.holder
        if point.backups:
            backup = point.backups[0]
            action = (
                f"Build a backup: pair {backup.name} ({backup.level}) with {holder.name} on {point.skill}; "
                f"{_months(backup.level, min_level)} to reach {min_level}."
            )
        else:
            action = f"Nobody else has any {point.skill}: cross-train someone and have {holder.name} document it."
        need = f", {point.importance} for {', '.join(point.roles)}" if point.importance else ""
        detail = f"Only {holder.name} ({holder.level}) holds {point.skill} at {min_level} or above{need}."
        item = Priority(
            rank=0,
            kind="single_point",
            skill=point.skill,
            importance=point.importance,
            roles=point.roles,
            detail=detail,
            action=action,
        )
        items.append((_PRIORITY_ORDER[("single_point", point.importance)], item))
    # Stable: within a rank, gaps keep their widest-first order and single points their own.
    items.sort(key=lambda x: x[0])
    out = []
    for position, (_, item) in enumerate(items, start=1):
        item.rank = position
        out.append(item)
    return out


# ----------------------------------------------------------------------------- the tool


def _infer_view(args: TeamSkillsInput) -> View:
    if args.view is not None:
        return args.view
    if args.cover_for:
        return "cover"
    return "who_knows" if args.skill else "summary"


def _team_info(scope: Scope, *, withheld: bool = False) -> TeamInfo:
    return TeamInfo(
        label=scope.label, kind=scope.kind, headcount=None if withheld else scope.size, named=scope.individual
    )


def _aggregate_note(scope: Scope) -> str:
    return (
        f"Names and individual levels aren't shown: you can see {scope.visible} of the {scope.size} people in "
        f"{scope.label} individually. Ask about your own team for names."
    )


def _coverage_text(roles: list[RoleCoverage], team_gaps: list[TeamGap], hidden: int, *, most: int = 20) -> str:
    if not roles and hidden:
        return (
            f"Coverage is shown only for roles at least {MIN_GROUP} people hold, and none of the {hidden} role(s) "
            "here does."
        )
    if not roles:
        text = "No team role with known requirements to measure coverage against."
    else:
        more = f" and {len(roles) - most} more" if len(roles) > most else ""
        text = "Coverage (weakest first): " + ", ".join(f"{r.title} {r.coverage_pct:g}%" for r in roles[:most])
        text += more + "."
    if team_gaps:
        text += " Gaps: " + ", ".join(f"{g.skill} ({g.importance}, level {g.required_level})" for g in team_gaps) + "."
    elif roles:
        text += " No essential or important gaps."
    if hidden:
        text += f" {hidden} role(s) held by fewer than {MIN_GROUP} people are not shown."
    return text


def _spof_text(points: list[SinglePoint], min_level: int) -> str:
    if not points:
        return f"No single points of failure: every skill held at level {min_level}+ is held by two or more people."
    shown = ", ".join(f"{p.skill} (only {p.holder.name})" for p in points[:5])
    more = f" and {len(points) - 5} more" if len(points) > 5 else ""
    return f"Single points of failure: {shown}{more}."


@registry.tool(permission=Permission.PROFILE_READ)
async def team_skills(args: TeamSkillsInput, ctx: ToolContext) -> TeamSkillsOutput:
    """Analyse a team's skills: an overview, the people × skills matrix, who knows a skill at or above a
    level, coverage of the team roles' requirements and the gaps, single points of failure (skills only
    one person holds at level 3+), who could cover for someone, and development priorities. Managers see
    their direct and indirect reports, HR and admins the organisation; anyone else gets anonymous counts
    over groups of at least 5 people, never names."""
    view = _infer_view(args)
    scope = await resolve_scope(ctx.conn, ctx.principal, args.team)
    named = scope.individual
    if not named and view in NAMED_VIEWS:
        raise PermissionDenied(
            f"The {view} view names people, and you can't see everyone in {scope.label} individually. "
            "For them I can give anonymous counts: ask who knows a skill, or about coverage."
        )
    base = TeamSkillsOutput(
        team=_team_info(scope), view=view, min_level=args.min_level, explanation="", privacy_note=None
    )
    if not scope.aggregate_allowed:
        base.team = _team_info(scope, withheld=True)
        base.explanation = base.privacy_note = withheld_sentence(scope)
        return base
    if not named:
        base.privacy_note = _aggregate_note(scope)

    skill_id = await find_skill(ctx.conn, args.skill) if args.skill else None
    if view == "who_knows" and skill_id is None:
        raise InvalidInput("Which skill? Give one, e.g. skill='Kubernetes'.")
    if view == "cover" and not args.cover_for:
        raise InvalidInput("Cover for whom? Give cover_for, e.g. a colleague's email or name.")

    data = await load_team(ctx.conn, scope.members)
    if skill_id is not None and skill_id not in data.names:
        data.names.update(await _skill_names(ctx.conn, {skill_id}))

    if view == "who_knows":
        assert skill_id is not None
        base.who_knows = who_knows(data, skill_id, data.names[skill_id], args.min_level, named=named)
        base.explanation = _who_knows_text(scope, base.who_knows, args.min_level, named)
        return base
    if view == "matrix":
        base.matrix = matrix(data, args.limit, skill_id)
        base.explanation = (
            f"{scope.label[0].upper()}{scope.label[1:]}: {len(scope.members)} people × "
            f"{len(base.matrix.skills) + base.matrix.more_skills} skills."
        )
        return base
    if view == "cover":
        assert args.cover_for is not None
        row = await resolve_person(ctx.conn, ctx.principal, args.cover_for)
        person = next((m for m in scope.members if m.id == row["id"]), None)
        if person is None:
            raise InvalidInput(f"{row['first_name']} {row['last_name']} is not in {scope.label}; name their team.")
        base.cover = cover_for(data, person, data.levels.get(person.id, {}), args.min_level, args.limit)
        base.explanation = _cover_text(base.cover)
        return base

    await load_roles(ctx.conn, ctx.embedder, data)
    base.people_without_role = sum(1 for r in data.roles.values() if r is None)
    roles, base.roles_not_shown = coverage(data, named=named)
    team_gaps = gaps(data, roles, named=named)
    if view == "coverage":
        base.coverage, base.gaps = roles, team_gaps[: args.limit]
        base.explanation = _coverage_text(roles, team_gaps, base.roles_not_shown)
        return base
    points = single_points(data, args.min_level, skill_id)
    if view == "spof":
        base.single_points = points[: args.limit]
        base.explanation = _spof_text(points, args.min_level)
        return base
    ranked = priorities(team_gaps, points, args.min_level)
    if view == "priorities":
        base.priorities = ranked[: args.limit]
        base.explanation = (
            "Priorities: " + " ".join(f"{p.rank}. {p.detail} {p.action}" for p in ranked[:3])
            if ranked
            else "No gaps or single points of failure to act on."
        )
        return base

    # summary
    base.top_skills = top_skills(data, args.min_level, 5)
    base.coverage = roles
    if named:
        base.gaps, base.single_points, base.priorities = team_gaps[:SHORTLIST], points[:SHORTLIST], ranked[:SHORTLIST]
    else:
        base.gaps = team_gaps[:SHORTLIST]
    strongest = ", ".join(f"{s.skill} ({s.count})" for s in base.top_skills)
    text = f"{scope.label[0].upper()}{scope.label[1:]}: {scope.size} people."
    if strongest:
        text += f" Most held at level {args.min_level}+: {strongest}."
    text += " " + _coverage_text(roles, team_gaps[:SHORTLIST], base.roles_not_shown, most=SHORTLIST)
    if named:
        text += " " + _spof_text(points[:SHORTLIST], args.min_level)
    base.explanation = text
    return base
