"""`match_roles` (person → roles) and `find_candidates` (role → people): one scorer for both."""

from typing import Any, Literal
from uuid import UUID

import numpy as np
from pydantic import BaseModel, Field

from hrm.core.access import visible_people
from hrm.core.db import Conn
from hrm.core.errors import NotFound
from hrm.core.principals import Permission
from hrm.core.text import norm
from hrm.tools.catalog import RoleRef, resolve_role, roles_by_id
from hrm.tools.context import ToolContext
from hrm.tools.matching.explain import ScoreParts, SkillShortfall, explain, fit
from hrm.tools.matching.population import load_population
from hrm.tools.matching.scorer import Components, score, top_k
from hrm.tools.profile import PersonSummary, resolve_person
from hrm.tools.registry import registry

Catalogue = Literal["builtin", "esco", "onet"]
DECISION_SUPPORT = (
    "For human review: this ranking is decision support, not a decision. It reflects recorded and inferred skills "
    "only; read each explanation and its evidence, and talk to the people involved."
)

_PEOPLE = """SELECT p.id, p.email, p.first_name, p.last_name, p.job_title, p.department, p.location, p.role_id,
    m.first_name || ' ' || m.last_name AS manager
FROM people p LEFT JOIN people m ON m.id = p.manager_id WHERE p.id = ANY(%s) ORDER BY p.id"""


async def _people(conn: Conn, ids: list[UUID]) -> list[dict[str, Any]]:
    cur = await conn.execute(_PEOPLE, (ids,))
    return list(await cur.fetchall())


def _area(role: RoleRef) -> str | None:
    """What 'department' means for a role: the organisation's department, else the catalogue family."""
    value = role.department or role.family
    return f"area:{norm(value)}" if value else None


def _parts(parts: Components, row: int, column: int) -> ScoreParts:
    return ScoreParts(
        total=round(float(parts.total[row, column]), 4),
        coverage=round(float(parts.coverage[row, column]), 4),
        semantic=round(float(parts.semantic[row, column]), 4),
        career=round(float(parts.career[row, column]), 4),
        context=round(float(parts.context[row, column]), 4),
    )


# -- match_roles ----------------------------------------------------------------------------------


class MatchRolesInput(BaseModel):
    person: str | None = Field(None, max_length=200, description="Whose matches: omit for the caller.")
    catalogue: Catalogue = Field(
        "builtin", description="Which catalogue's roles to rank beside the organisation's own roles."
    )
    departments: list[str] = Field(
        default_factory=list,
        max_length=10,
        description="Preferred departments or areas (e.g. 'data', 'Engineering'); default: the current one.",
    )
    limit: int = Field(5, ge=1, le=50)
    include_current: bool = Field(False, description="Also rank the role the person holds now.")


class RoleMatch(BaseModel):
    role_id: int
    title: str
    source: str
    organisation_role: bool
    score: ScoreParts
    essential_met: int
    essential_total: int
    to_build: list[SkillShortfall] = Field(description="Requirements not yet met at the required level.")
    explanation: str


class MatchRolesOutput(BaseModel):
    person: PersonSummary
    current_role: str | None
    roles_scored: int
    matches: list[RoleMatch]
    decision_support: str = Field(DECISION_SUPPORT, description="How this ranking may be used.")


async def _candidate_roles(conn: Conn, catalogue: str) -> list[RoleRef]:
    cur = await conn.execute(
        """SELECT DISTINCT r.id FROM roles r JOIN role_skills rs ON rs.role_id = r.id
           WHERE r.org_id IS NOT NULL OR r.source = %s""",
        (catalogue,),
    )
    ids = [int(row["id"]) for row in await cur.fetchall()]
    return list((await roles_by_id(conn, ids)).values())


@registry.tool(permission=Permission.PROFILE_READ)
async def match_roles(args: MatchRolesInput, ctx: ToolContext) -> MatchRolesOutput:
    """Rank the roles a person could move to (the organisation's roles and the catalogue's), best
    first, each with how well their skills cover the role (importance and level), how similar the
    skill sets are, how close the role is on the career graph, and a plain explanation. Use for
    'what could I become?' or 'which roles fit me?'. Employees see their own matches; managers their
    reports'; HR anyone's."""
    row = await resolve_person(ctx.conn, ctx.principal, args.person)
    person = (await _people(ctx.conn, [row["id"]]))[0]
    roles = await _candidate_roles(ctx.conn, args.catalogue)
    wanted = {f"area:{norm(d)}" for d in args.departments if norm(d)}

    def person_tokens(p: dict[str, Any], current: RoleRef | None) -> set[str]:
        if wanted:
            return wanted
        own = {_area(current)} if current else set()
        return {t for t in own if t} | ({f"area:{norm(p['department'])}"} if p["department"] else set())

    def role_tokens(role: RoleRef) -> set[str]:
        area = _area(role)
        return {area} if area else set()

    population = await load_population(
        ctx.conn, ctx.embedder, [person], roles, person_tokens=person_tokens, role_tokens=role_tokens
    )
    current = population.current[person["id"]]
    exclude = np.array([[not args.include_current and current is not None and r.id == current.id
                         for r in population.roles]])  # fmt: skip
    parts = score(population.inputs)
    best = top_k(parts.total, args.limit, exclude=exclude)[0]
    levels = population.levels[person["id"]]
    matches = []
    for column in best.tolist():
        if exclude[0, column]:
            continue
        role = population.roles[column]
        result = fit(population.requirements[role.id], levels)
        scored = _parts(parts, 0, column)
        hops = population.hops[person["id"]].get(role.id)
        matches.append(
            RoleMatch(
                role_id=role.id,
                title=role.title,
                source=role.source,
                organisation_role=role.org_specific,
                score=scored,
                essential_met=result.essential_met,
                essential_total=result.essential_total,
                to_build=result.shortfalls,
                explanation=explain(
                    scored,
                    result,
                    hops=hops,
                    current=current.title if current else None,
                    context="in your preferred area" if wanted else "in your current area",
                ),
            )
        )
    return MatchRolesOutput(
        person=PersonSummary.from_row(person),
        current_role=current.title if current else None,
        roles_scored=len(population.roles),
        matches=matches,
    )


# -- find_candidates ------------------------------------------------------------------------------


class FindCandidatesInput(BaseModel):
    role: str = Field(min_length=1, max_length=300, description="The role: a job title, e.g. 'Senior Data Engineer'.")
    location: str | None = Field(None, max_length=100, description="Preferred location, e.g. 'Berlin'.")
    remote_ok: bool = Field(False, description="People working remotely count as matching the location.")
    department: str | None = Field(None, max_length=100, description="Preferred department.")
    limit: int = Field(10, ge=1, le=100)


class CandidateMatch(BaseModel):
    person: PersonSummary
    score: ScoreParts
    essential_met: int
    essential_total: int
    to_build: list[SkillShortfall]
    holds_role: bool = Field(description="Already in this role.")
    explanation: str


class FindCandidatesOutput(BaseModel):
    role: str
    role_id: int
    source: str
    pool: int = Field(description="People considered: those the caller may see, except the caller.")
    candidates: list[CandidateMatch]
    decision_support: str = Field(DECISION_SUPPORT, description="How this ranking may be used.")


@registry.tool(permission=Permission.TEAM_READ)
async def find_candidates(args: FindCandidatesInput, ctx: ToolContext) -> FindCandidatesOutput:
    """Rank people in the organisation for a role, best first, with how well their skills cover it,
    how similar their skill sets are, how close they are on the career graph, location and
    department fit, and a plain explanation. Managers search their reports, HR and admins the whole
    organisation. Use for 'who could fill a senior data engineer role?'."""
    role = await resolve_role(ctx.conn, ctx.embedder, args.role)
    ids = [p for p in await visible_people(ctx.conn, ctx.principal) if p != ctx.principal.person_id]
    if not ids:
        raise NotFound("There is no one you can see to rank for this role.")
    people = await _people(ctx.conn, ids)
    location = norm(args.location) if args.location else None
    department = norm(args.department) if args.department else None

    def person_tokens(p: dict[str, Any], current: RoleRef | None) -> set[str]:
        tokens = {f"dept:{norm(p['department'])}"} if p["department"] else set()
        where = norm(p["location"])
        if where:
            tokens.add(f"loc:{where}")
        if location and args.remote_ok and where == "remote":
            tokens.add(f"loc:{location}")
        return tokens

    def role_tokens(_: RoleRef) -> set[str]:
        wanted = {f"loc:{location}"} if location else set()
        dept = department or (norm(role.department) if role.department else None)
        return wanted | ({f"dept:{dept}"} if dept else set())

    population = await load_population(
        ctx.conn, ctx.embedder, people, [role], person_tokens=person_tokens, role_tokens=role_tokens
    )
    parts = score(population.inputs)
    # One role, many people: rank the column.
    order = top_k(parts.total.T, args.limit)[0]
    candidates = []
    needs = population.requirements[role.id]
    for row in order.tolist():
        person = population.people[row]
        result = fit(needs, population.levels[person["id"]])
        scored = _parts(parts, row, 0)
        current = population.current[person["id"]]
        context_words = []
        if location and f"loc:{location}" in person_tokens(person, current):
            context_words.append(f"based in {args.location}" if norm(person["location"]) == location else "remote")
        candidates.append(
            CandidateMatch(
                person=PersonSummary.from_row(person),
                score=scored,
                essential_met=result.essential_met,
                essential_total=result.essential_total,
                to_build=result.shortfalls,
                holds_role=current is not None and current.id == role.id,
                explanation=explain(
                    scored,
                    result,
                    hops=population.hops[person["id"]].get(role.id),
                    current=current.title if current else None,
                    context=", ".join(context_words) or None,
                ),
            )
        )
    return FindCandidatesOutput(
        role=role.title, role_id=role.id, source=role.source, pool=len(people), candidates=candidates
    )
