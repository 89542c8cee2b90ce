"""REST routes for matching people and roles, skill gaps, career paths and team skills.

Thin adapters over the registry: each route checks the organisation in the path, hands the
parameters to one tool and returns the tool's output model. Query parameters take their
descriptions and bounds from the tool's input model, so the OpenAPI document, the planner's schema
and the validation stay one contract. A parameter left out is not sent, so the tool's default
applies.
"""

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Path, Query
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticUndefined

from hrm.channels.rest.auth import PrincipalDep, RuntimeDep, require_org
from hrm.core.principals import Principal
from hrm.tools import registry
from hrm.tools.career import PlanCareerPathInput, PlanCareerPathOutput
from hrm.tools.gap import AnalyzeGapInput, AnalyzeGapOutput
from hrm.tools.match import Catalogue, FindCandidatesInput, FindCandidatesOutput, MatchRolesInput, MatchRolesOutput
from hrm.tools.team import TeamSkillsInput, TeamSkillsOutput, View

router = APIRouter(prefix="/api/v2/organizations/{org}", tags=["matching"])

EmployeeId = Annotated[str, Path(max_length=200, description="A person id, an email, or `me` for the caller.")]

# The source taxonomies a role can be looked up in (hrm.tools.skills.Taxonomy, as a query parameter).
TaxonomyName = Literal["all", "builtin", "esco", "onet", "org"]

_BOUNDS = ("ge", "le", "gt", "lt", "min_length", "max_length")


def tool_query(model: type[BaseModel], name: str) -> Any:
    """A ``Query`` carrying the description, bounds and default of the tool input field ``name``."""
    field = model.model_fields[name]
    bounds = {key: getattr(m, key) for m in field.metadata for key in _BOUNDS if hasattr(m, key)}
    text = field.description or ""
    if field.default not in (None, PydanticUndefined):
        # The route sends only what the caller gave, so the tool's default is the one that applies.
        text = f"{text} Default: {json.dumps(field.default)}.".strip()
    return Query(description=text or None, **bounds)


def _given(**params: object) -> dict[str, object]:
    return {key: value for key, value in params.items() if value is not None}


async def _call(name: str, args: dict[str, object], principal: Principal, runtime: RuntimeDep) -> BaseModel:
    return await registry.call(name, args, principal, runtime.deps, channel="rest")


# -- jobs/match -----------------------------------------------------------------------------------


class SalaryRange(BaseModel):
    min: float | None = Field(None, ge=0, description="Lowest acceptable salary.")
    max: float | None = Field(None, ge=0, description="Highest expected salary.")
    currency: str | None = Field(None, max_length=10, description="e.g. 'EUR'.")

    @model_validator(mode="after")
    def _ordered(self) -> "SalaryRange":
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("salary_range.min must not be above salary_range.max")
        return self


class MatchPreferences(BaseModel):
    """What the person is looking for. Keys the ranking cannot use are accepted (extra keys too) and
    returned under ``ignored_preferences`` with the reason."""

    model_config = ConfigDict(extra="allow")

    departments: list[Annotated[str, Field(max_length=100)]] = Field(
        default_factory=list, max_length=10, description=MatchRolesInput.model_fields["departments"].description
    )
    location: str | None = Field(None, max_length=100, description="e.g. 'remote' or 'Berlin'.")
    job_type: str | None = Field(None, max_length=50, description="e.g. 'full_time', 'part_time', 'contract'.")
    salary_range: SalaryRange | None = None


class JobMatchRequest(BaseModel):
    user_id: str = Field(
        "me", min_length=1, max_length=200, description="Whose matches: 'me' (the caller), a person id or an email."
    )
    preferences: MatchPreferences = Field(default_factory=MatchPreferences)
    limit: int | None = Field(None, ge=1, le=50, description="How many roles to return (default 5).")
    catalogue: Catalogue | None = Field(None, description=MatchRolesInput.model_fields["catalogue"].description)


class IgnoredPreference(BaseModel):
    preference: str
    value: Any
    reason: str


class JobMatchResponse(MatchRolesOutput):
    ignored_preferences: list[IgnoredPreference] = Field(
        description="Preferences that were received but could not change the ranking, each with why."
    )


_WHY_IGNORED = {
    "location": "Roles carry no location, so it cannot change which roles fit; location is used when "
    "ranking people for a role (roles/candidates).",
    "job_type": "Roles carry no job type (full time, part time, contract), so it cannot change the ranking.",
    "salary_range": "Roles carry no salary data, so it cannot change the ranking.",
}


def ignored_preferences(preferences: MatchPreferences) -> list[IgnoredPreference]:
    given = preferences.model_dump(exclude_none=True, exclude={"departments"})
    return [
        IgnoredPreference(
            preference=key,
            value=value,
            reason=_WHY_IGNORED.get(key, "Not a preference the role ranking knows; it was not used."),
        )
        for key, value in given.items()
    ]


@router.post(
    "/jobs/match",
    response_model=JobMatchResponse,
    summary="Rank the roles a person could move to",
)
async def match_jobs(
    org: str,
    principal: PrincipalDep,
    runtime: RuntimeDep,
    body: Annotated[JobMatchRequest, Body()],
) -> JobMatchResponse:
    """The organisation's roles and the chosen catalogue's, best first, each with its score parts
    (coverage of the requirements by importance and level, skill-set similarity, career-graph
    distance, area fit), the essential requirements met, the skills still to build and a plain
    explanation. `preferences.departments` steers the area fit (default: the person's current area).

    Employees see their own matches, managers their reports', HR and admins anyone's in the
    organisation. Example body: `{"user_id": "me", "preferences": {"departments": ["Data"]}, "limit": 3}`.
    """
    require_org(principal, org)
    args = _given(
        person=body.user_id,
        departments=body.preferences.departments or None,
        limit=body.limit,
        catalogue=body.catalogue,
    )
    out = await _call("match_roles", args, principal, runtime)
    assert isinstance(out, MatchRolesOutput)
    return JobMatchResponse(**dict(out), ignored_preferences=ignored_preferences(body.preferences))


# -- roles/candidates -----------------------------------------------------------------------------


@router.get(
    "/roles/candidates",
    response_model=FindCandidatesOutput,
    summary="Rank people in the organisation for a role",
)
async def role_candidates(
    org: str,
    principal: PrincipalDep,
    runtime: RuntimeDep,
    role: Annotated[str, tool_query(FindCandidatesInput, "role")],
    location: Annotated[str | None, tool_query(FindCandidatesInput, "location")] = None,
    remote_ok: Annotated[bool | None, tool_query(FindCandidatesInput, "remote_ok")] = None,
    department: Annotated[str | None, tool_query(FindCandidatesInput, "department")] = None,
    limit: Annotated[int | None, tool_query(FindCandidatesInput, "limit")] = None,
) -> FindCandidatesOutput:
    """Internal candidates for a role, best first: how well each person's skills cover the role's
    requirements, how similar their skill sets are, how close they are on the career graph, location
    and department fit, the skills they would still need and a plain explanation.

    Managers rank their reports, HR and admins the whole organisation; employees get 403. An unknown
    role is a 404. Example: `?role=Senior Data Engineer&location=Berlin&remote_ok=true&limit=5`.
    """
    require_org(principal, org)
    args = _given(role=role, location=location, remote_ok=remote_ok, department=department, limit=limit)
    out = await _call("find_candidates", args, principal, runtime)
    assert isinstance(out, FindCandidatesOutput)
    return out


# -- employees/{id}/gap ---------------------------------------------------------------------------


@router.get(
    "/employees/{employee_id}/gap",
    response_model=AnalyzeGapOutput,
    summary="What an employee is missing for a role",
)
async def employee_gap(
    org: str,
    employee_id: EmployeeId,
    principal: PrincipalDep,
    runtime: RuntimeDep,
    role: Annotated[str, tool_query(AnalyzeGapInput, "role")],
    taxonomy: Annotated[TaxonomyName | None, Query(description="Look the role up in this source only.")] = None,
) -> AnalyzeGapOutput:
    """Each missing or short skill with the current and required level (1 Novice … 5 Expert) and
    importance, in the order to work on them, with months to close and what to learn it from; the
    requirements already met; a readiness summary; a total time estimate; and the one skill that
    would unlock the most roles.

    `employee_id` is a person id, an email or `me`. Employees may ask about themselves, managers
    about their reports, HR and admins about anyone in the organisation (otherwise 403). Example:
    `/employees/me/gap?role=Senior Data Engineer`.
    """
    require_org(principal, org)
    args = _given(person=employee_id, role=role, taxonomy=taxonomy)
    out = await _call("analyze_gap", args, principal, runtime)
    assert isinstance(out, AnalyzeGapOutput)
    return out


# -- employees/{id}/career-paths ------------------------------------------------------------------


@router.get(
    "/employees/{employee_id}/career-paths",
    response_model=PlanCareerPathOutput,
    summary="Career paths from an employee's role to a target role",
)
async def employee_career_paths(
    org: str,
    employee_id: EmployeeId,
    principal: PrincipalDep,
    runtime: RuntimeDep,
    target: Annotated[str, tool_query(PlanCareerPathInput, "target")],
    from_role: Annotated[str | None, tool_query(PlanCareerPathInput, "from_role")] = None,
    max_paths: Annotated[int | None, tool_query(PlanCareerPathInput, "max_paths")] = None,
    taxonomy: Annotated[TaxonomyName | None, Query(description="Plan over this source's roles only.")] = None,
) -> PlanCareerPathOutput:
    """The cheapest few paths over recorded role transitions (curated moves, O*NET related
    occupations, career changers) and skill-overlap moves, each step with the expected years and
    the skills to build given the employee's current levels. When no path exists, the nearest
    reachable roles instead.

    `employee_id` is a person id, an email or `me`; the start is the employee's current role unless
    `from_role` is given. Same visibility as the gap route. Example:
    `/employees/me/career-paths?target=Staff Engineer&max_paths=2`.
    """
    require_org(principal, org)
    args = _given(person=employee_id, target=target, from_role=from_role, max_paths=max_paths, taxonomy=taxonomy)
    out = await _call("plan_career_path", args, principal, runtime)
    assert isinstance(out, PlanCareerPathOutput)
    return out


# -- teams/skills ---------------------------------------------------------------------------------


@router.get(
    "/teams/skills",
    response_model=TeamSkillsOutput,
    summary="A team's skills: overview, matrix, who knows, coverage, single points, cover, priorities",
)
async def get_team_skills(
    org: str,
    principal: PrincipalDep,
    runtime: RuntimeDep,
    team: Annotated[str | None, tool_query(TeamSkillsInput, "team")] = None,
    skill: Annotated[str | None, tool_query(TeamSkillsInput, "skill")] = None,
    min_level: Annotated[int | None, tool_query(TeamSkillsInput, "min_level")] = None,
    cover_for: Annotated[str | None, tool_query(TeamSkillsInput, "cover_for")] = None,
    view: Annotated[View | None, tool_query(TeamSkillsInput, "view")] = None,
    limit: Annotated[int | None, tool_query(TeamSkillsInput, "limit")] = None,
) -> TeamSkillsOutput:
    """One view of a team's skills, with a plain explanation ready to show. Managers see their
    direct and indirect reports by name, HR and admins the whole organisation; anyone else gets
    anonymous counts over groups of at least five people, never names (`team.named` says which).

    Examples: `?skill=Kubernetes` (who knows it at level 3+), `?view=coverage`,
    `?cover_for=marta@example.com`, `?team=Engineering&view=priorities`.
    """
    require_org(principal, org)
    args = _given(team=team, skill=skill, min_level=min_level, cover_for=cover_for, view=view, limit=limit)
    out = await _call("team_skills", args, principal, runtime)
    assert isinstance(out, TeamSkillsOutput)
    return out
