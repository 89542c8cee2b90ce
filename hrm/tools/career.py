"""Career paths: the cheapest few routes from a person's role (or a named one) to a target role over
the transition graph, with the skills to build at each step and the expected time."""

from functools import cache
from itertools import pairwise
from typing import Literal

from pydantic import BaseModel, Field

from hrm.core.errors import InvalidInput, NotFound
from hrm.core.models import LEVEL_LABELS
from hrm.core.principals import Permission
from hrm.retrieval.career_graph import (
    SKILL_OVERLAP,
    CareerGraph,
    GraphRole,
    Neighbours,
    Path,
    Transition,
    k_shortest_paths,
)
from hrm.retrieval.career_graph import reachable as reachable_roles
from hrm.tools import catalog
from hrm.tools.catalog import Requirement, RoleRef
from hrm.tools.context import ToolContext
from hrm.tools.profile import resolve_person
from hrm.tools.registry import registry
from hrm.tools.skills import Taxonomy

EdgeSource = Literal["curated", "onet_related", "onet_changers", "skill_overlap"]
_EDGE_SOURCES: dict[str, EdgeSource] = {
    "builtin": "curated",
    "onet": "onet_related",
    "onet_changers": "onet_changers",
    SKILL_OVERLAP: "skill_overlap",
}

# How a move is weighed. Its typical years come first: that is what the move costs a person. Where
# nobody recorded them (O*NET moves, skill-overlap moves) they are estimated from the seniority
# climbed: a lateral move LATERAL_YEARS, plus YEARS_PER_LEVEL per level up, which reproduces the
# curated built-in figures (one level up ≈ 3 years). On top comes the skill distance: the
# importance-weighted mean of the months to lift each of the new role's skills from the level the
# old role asks (catalog.months_to_reach, midpoint), in years, times SKILL_DISTANCE_WEIGHT. Curated
# years already include that learning, so the term is a modest tie-breaker that prefers moves
# between roles whose requirements are close. A move inferred only from skill overlap costs
# UNOBSERVED_PENALTY more, so observed moves win when they are as short.
LATERAL_YEARS = 1.5
YEARS_PER_LEVEL = 1.5
SKILL_DISTANCE_WEIGHT = 1.0
UNOBSERVED_PENALTY = 0.5
# A recorded typical duration is a midpoint; an estimated one is less certain, so its range is wider.
RECORDED_RANGE = (0.8, 1.25)
ESTIMATED_RANGE = (0.6, 1.5)
MAX_COST = 40.0  # a route costing more than a working life is not a plan
MAX_SKILLS_PER_STEP = 12
NEAREST_SUGGESTIONS = 3


class PlanCareerPathInput(BaseModel):
    target: str = Field(
        min_length=1,
        max_length=200,
        description="The role to reach: a job title ('Staff Engineer'), a role id, or a code (O*NET-SOC, ESCO URI).",
    )
    person: str | None = Field(
        None,
        max_length=200,
        description="Whose path: omit (or 'me') for the caller; otherwise an email, a name or a person id.",
    )
    from_role: str | None = Field(
        None, max_length=200, description="Start from this role instead of the person's current one."
    )
    max_paths: int = Field(3, ge=1, le=5, description="How many alternative paths to return.")
    taxonomy: Taxonomy = "all"


class RoleSummary(BaseModel):
    role_id: int
    title: str
    source: str
    external_id: str


class SkillToBuild(BaseModel):
    skill_id: int
    name: str
    importance: str
    current_level: int = Field(description="0 when the person does not hold the skill yet.")
    required_level: int
    required_label: str
    months_low: int
    months_high: int


class CareerStep(BaseModel):
    from_role: RoleSummary
    to_role: RoleSummary
    source: EdgeSource = Field(description="Where the move comes from: curated, O*NET data or skill overlap.")
    typical_years: float
    years_estimated: bool = Field(description="True when no source recorded how long the move takes.")
    skills_to_build: list[SkillToBuild]
    more_skills: int = Field(0, description="Further skills to build at this step, not listed.")


class CareerPath(BaseModel):
    rank: int
    steps: list[CareerStep]
    total_years_low: float
    total_years_high: float
    cost: float = Field(description="The ranking weight: years plus a skill-distance term.")
    explanation: str


class NearbyRole(BaseModel):
    role: RoleSummary
    years: float = Field(description="The weight of the cheapest route to it, roughly years.")
    overlap_with_target: float


class PlanCareerPathOutput(BaseModel):
    person: str
    is_self: bool
    from_role: RoleSummary
    target: RoleSummary
    already_there: bool
    paths: list[CareerPath]
    nearest_reachable: list[NearbyRole] = Field(description="When no path exists: the closest roles one can reach.")
    notes: list[str]
    message: str


def _summary(role: RoleRef | GraphRole) -> RoleSummary:
    return RoleSummary(role_id=role.id, title=role.title, source=role.source, external_id=role.external_id)


@cache
def _midpoint_years(current: int, required: int) -> float:
    low, high = catalog.months_to_reach(current, required)
    return (low + high) / 24


def skill_distance_years(source: dict[int, tuple[int, str]], target: dict[int, tuple[int, str]]) -> float:
    """Importance-weighted mean years to lift each of the target's skills from the source's level."""
    total = weight = 0.0
    for skill, (level, importance) in target.items():
        w = catalog.IMPORTANCE_WEIGHT.get(importance, 1.0)
        held = source.get(skill, (0, importance))[0]
        total += w * _midpoint_years(held, level)
        weight += w
    return total / weight if weight else 0.0


def move_years(edge: Transition, graph: CareerGraph) -> tuple[float, bool]:
    """The move's typical years, or an estimate from the seniority climbed (and True)."""
    if edge.typical_years is not None:
        return edge.typical_years, False
    a, b = graph.roles[edge.from_id].rank, graph.roles[edge.to_id].rank
    climb = max(0, b - a) if a is not None and b is not None else 0
    return LATERAL_YEARS + YEARS_PER_LEVEL * climb, True


def edge_cost(edge: Transition, graph: CareerGraph) -> float:
    years, _ = move_years(edge, graph)
    distance = skill_distance_years(graph.requirements.get(edge.from_id, {}), graph.requirements.get(edge.to_id, {}))
    penalty = UNOBSERVED_PENALTY if edge.source == SKILL_OVERLAP else 0.0
    return round(years + SKILL_DISTANCE_WEIGHT * distance + penalty, 6)


async def _anchor(ctx: ToolContext, role: RoleRef, taxonomy: str) -> RoleRef:
    """The catalogue role standing for ``role`` in ``taxonomy``: itself when it belongs there,
    else the role of that taxonomy its title names (an organisation's 'Senior Software Engineer'
    is the built-in one); itself when none does."""
    if role.source == taxonomy and not role.org_specific:
        return role
    try:
        found = await catalog.resolve_role(ctx.conn, ctx.embedder, role.title, taxonomy=taxonomy)
    except NotFound:  # no counterpart there: the search stays in the role's own catalogue
        return role
    return found if not found.org_specific else role


async def _start_role(ctx: ToolContext, args: PlanCareerPathInput, person: dict[str, object], name: str) -> RoleRef:
    if args.from_role:
        return await catalog.resolve_role(ctx.conn, ctx.embedder, args.from_role)
    current = await catalog.person_role(ctx.conn, ctx.embedder, person)
    if current is None:
        raise InvalidInput(
            f"I don't know {name}'s current role (no recognisable job title). "
            "Say where to start with from_role, e.g. 'Software Engineer'."
        )
    return current


def _steps(
    path: Path,
    graph: CareerGraph,
    edges: dict[tuple[int, int], Transition],
    reqs: dict[int, list[Requirement]],
    levels: dict[int, int],
    final_reqs: list[Requirement] | None,
) -> list[CareerStep]:
    """The path's moves with the skills to build, the person's levels rising as they go: a skill
    built for an earlier step counts at the later ones."""
    held = dict(levels)
    steps = []
    for i, (a, b) in enumerate(pairwise(path.nodes)):
        edge = edges[(a, b)]
        years, estimated = move_years(edge, graph)
        needed = final_reqs if final_reqs is not None and i == len(path.nodes) - 2 else reqs.get(b, [])
        build = []
        for r in needed:
            current = held.get(r.skill_id, 0)
            if current < r.required_level:
                low, high = catalog.months_to_reach(current, r.required_level)
                build.append(
                    SkillToBuild(
                        skill_id=r.skill_id,
                        name=r.name,
                        importance=r.importance,
                        current_level=current,
                        required_level=r.required_level,
                        required_label=LEVEL_LABELS[r.required_level],
                        months_low=low,
                        months_high=high,
                    )
                )
                held[r.skill_id] = r.required_level
        steps.append(
            CareerStep(
                from_role=_summary(graph.roles[a]),
                to_role=_summary(graph.roles[b]),
                source=_EDGE_SOURCES.get(edge.source, "curated"),
                typical_years=round(years, 2),
                years_estimated=estimated,
                skills_to_build=build[:MAX_SKILLS_PER_STEP],
                more_skills=max(0, len(build) - MAX_SKILLS_PER_STEP),
            )
        )
    return steps


def _explain(steps: list[CareerStep], low: float, high: float) -> str:
    route = " → ".join([steps[0].from_role.title] + [s.to_role.title for s in steps])
    moves = "one move" if len(steps) == 1 else f"{len(steps)} moves"
    kinds = sorted({s.source.replace("_", " ") for s in steps})
    text = f"{route}: {moves}, about {low:g}–{high:g} years ({', '.join(kinds)})."
    essentials = [k.name for s in steps for k in s.skills_to_build if k.importance == "essential"]
    if essentials:
        text += f" Essential skills to build: {', '.join(list(dict.fromkeys(essentials))[:5])}."
    elif not any(s.skills_to_build for s in steps):
        text += " You already meet the listed skill requirements; the time is experience in the roles."
    return text


@registry.tool(permission=Permission.SKILLS_READ)
async def plan_career_path(args: PlanCareerPathInput, ctx: ToolContext) -> PlanCareerPathOutput:
    """Plan how to get from a person's current role (or from_role) to a target role: the cheapest
    few paths over recorded role transitions (curated moves, O*NET related occupations and career
    changers) and skill-overlap moves, each step with the skills to build (taking the person's
    levels into account) and the expected years. Employees plan for themselves; managers for their
    reports; HR and admins for anyone."""
    person = await resolve_person(ctx.conn, ctx.principal, args.person)
    name = f"{person['first_name']} {person['last_name']}"
    is_self = person["id"] == ctx.principal.person_id
    target = await catalog.resolve_role(ctx.conn, ctx.embedder, args.target, taxonomy=args.taxonomy)
    start = await _start_role(ctx, args, person, name)
    notes: list[str] = []

    def output(
        paths: list[CareerPath], message: str, *, there: bool = False, near: list[NearbyRole] | None = None
    ) -> PlanCareerPathOutput:
        return PlanCareerPathOutput(
            person=name,
            is_self=is_self,
            from_role=_summary(start),
            target=_summary(target),
            already_there=there,
            paths=paths,
            nearest_reachable=near or [],
            notes=notes,
            message=message,
        )

    who = "You're" if is_self else f"{name} is"
    if start.id == target.id:
        return output([], f"{who} already in that role ({target.title}).", there=True)
    # Transitions link roles of one catalogue; an organisation's role, or a start in another
    # taxonomy than the target's, is read as its counterpart there.
    goal = await _anchor(ctx, target, "builtin") if target.org_specific else target
    origin = await _anchor(ctx, start, goal.source)
    for original, anchored in ((start, origin), (target, goal)):
        if anchored.id != original.id:
            whose = "The organisation's role" if original.org_specific else "The role"
            notes.append(
                f"{whose} '{original.title}' is read as '{anchored.title}' of the {anchored.source} catalogue, "
                "whose transitions the paths follow."
            )
    if origin.id == goal.id:
        return output([], f"{who} already in that role ({target.title}).", there=True)

    graph = await CareerGraph.load(ctx.conn, {origin.source, goal.source})
    edges: dict[tuple[int, int], Transition] = {}
    costed: dict[int, list[tuple[int, float]]] = {}

    def neighbours(node: int) -> list[tuple[int, float]]:
        # Yen's algorithm revisits nodes many times: each one's moves are weighed once.
        if node not in costed:
            costed[node] = []
            for edge in graph.edges_from(node, goal.id):
                if edge.to_id in graph.roles:
                    edges[(edge.from_id, edge.to_id)] = edge
                    costed[node].append((edge.to_id, edge_cost(edge, graph)))
        return costed[node]

    found = k_shortest_paths(neighbours, origin.id, goal.id, args.max_paths, max_cost=MAX_COST)
    if not found:
        near = _nearest(graph, neighbours, origin.id, goal.id)
        hint = ", ".join(n.role.title for n in near)
        message = f"I found no path from {start.title} to {target.title} in the role catalogue."
        if hint:
            message += f" The closest roles reachable from there: {hint}."
        return output([], message, near=near)

    reqs = await catalog.requirements(ctx.conn, sorted({n for p in found for n in p.nodes} | {target.id}))
    final = reqs[target.id] if target.id != goal.id and reqs[target.id] else None
    levels = (await catalog.effective_levels(ctx.conn, [person["id"]]))[person["id"]]
    paths = []
    for rank, path in enumerate(found, start=1):
        steps = _steps(path, graph, edges, reqs, levels, final)
        low = round(
            sum(s.typical_years * (ESTIMATED_RANGE if s.years_estimated else RECORDED_RANGE)[0] for s in steps), 1
        )
        high = round(
            sum(s.typical_years * (ESTIMATED_RANGE if s.years_estimated else RECORDED_RANGE)[1] for s in steps), 1
        )
        paths.append(
            CareerPath(
                rank=rank,
                steps=steps,
                total_years_low=low,
                total_years_high=high,
                cost=round(path.cost, 3),
                explanation=_explain(steps, low, high),
            )
        )
    best = paths[0]
    count = "one path" if len(paths) == 1 else f"{len(paths)} paths"
    message = (
        f"{count.capitalize()} from {start.title} to {target.title}; the best takes about "
        f"{best.total_years_low:g}–{best.total_years_high:g} years in {len(best.steps)} step(s)."
    )
    return output(paths, message)


def _nearest(graph: CareerGraph, neighbours: Neighbours, start: int, target: int) -> list[NearbyRole]:
    """Roles reachable from the start, the ones sharing most skills with the target first."""
    costs = reachable_roles(neighbours, start, max_cost=MAX_COST)
    costs.pop(start, None)
    ranked = sorted(costs, key=lambda r: (-round(graph.overlap(r, target), 4), costs[r], r))
    return [
        NearbyRole(
            role=_summary(graph.roles[r]),
            years=round(costs[r], 1),
            overlap_with_target=round(graph.overlap(r, target), 3),
        )
        for r in ranked[:NEAREST_SUGGESTIONS]
    ]
