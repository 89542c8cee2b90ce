"""The structured job description: what is stored per version, rendered and checked.

A JD holds its *state* (role, level, skills, options) and the *prose* composed from that state
(summary, responsibilities, qualifications). Refinements change the state; the prose is always
recomposed, so a version never says something its state does not.
"""

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

Importance = Literal["essential", "important", "nice_to_have"]
Level = Literal["entry", "mid", "senior", "lead", "manager"]
Tone = Literal["formal", "friendly"]
Length = Literal["short", "standard", "long"]
# Where a field's content came from: the shared role catalogue, the organisation's own role, the
# free-text request (or a later refinement instruction), the organisation's settings, a default.
Source = Literal[
    "catalogue_role", "org_role", "request", "refinement", "org_settings", "skills_data", "default", "none"
]

LEVEL_ORDER: tuple[Level, ...] = ("entry", "mid", "senior", "lead")
# The level a skill is asked at when a request adds it without one.
DEFAULT_SKILL_LEVEL: dict[str, int] = {"entry": 2, "mid": 3, "senior": 4, "lead": 4, "manager": 4}


class JDSkill(BaseModel):
    skill_id: int
    name: str
    required_level: int = Field(ge=1, le=5, description="1 Novice, 2 Developing, 3 Proficient, 4 Advanced, 5 Expert.")
    importance: Importance
    source: Source
    description: str = ""
    demand: str | None = None
    growth: float | None = None
    automation_risk: str | None = None


class SalaryRange(BaseModel):
    available: bool
    min: int | None = None
    max: int | None = None
    currency: str | None = None
    period: str = "year"
    source: Source = "none"
    note: str = ""


class MarketInsights(BaseModel):
    demand: str | None = Field(None, description="Most common demand among the essential skills.")
    growth: float | None = Field(None, description="Mean yearly growth of the required skills' demand.")
    automation_risk: str | None = Field(None, description="Most common automation risk of the required skills.")
    trending_skills: list[str] = Field(
        default_factory=list, description="Related skills, not in the JD, with the fastest-growing demand."
    )
    time_to_fill_days: int | None = None
    notes: list[str] = Field(default_factory=list)


class JobDescription(BaseModel):
    title: str
    role_id: int | None
    role_title: str
    role_source: Source = Field(description="catalogue_role or org_role: which role the JD is grounded in.")
    role_description: str = ""
    level: Level
    department: str = ""
    location: str = ""
    employment_type: str = "full_time"
    team_size: int | None = None
    reports_to: str = ""
    tone: Tone = "formal"
    length: Length = "standard"
    degree_required: bool = False
    requirement_notes: list[str] = Field(
        default_factory=list, description="Free-text requirements that name no skill, kept in the requester's words."
    )
    skills: list[JDSkill]
    summary: str = ""
    responsibilities: list[str] = Field(default_factory=list)
    qualifications: list[str] = Field(default_factory=list)
    salary: SalaryRange
    benefits: list[str] = Field(default_factory=list)
    about_us: str = ""
    eeo_statement: str = ""
    organization_name: str = ""
    market: MarketInsights
    sources: dict[str, Source] = Field(default_factory=dict, description="Field name → where it came from.")

    def essential(self) -> list[JDSkill]:
        return [s for s in self.skills if s.importance == "essential"]


class InclusiveFlag(BaseModel):
    kind: Literal["masculine_coded", "feminine_coded", "degree", "too_many_essentials", "jargon", "age_coded"]
    phrase: str
    count: int = 1
    severity: Literal["info", "warning"]
    suggestion: str


class InclusiveReport(BaseModel):
    flags: list[InclusiveFlag]
    masculine_count: int
    feminine_count: int
    balance: Literal["masculine-coded", "feminine-coded", "neutral"]
    warnings: int


class SkillReality(BaseModel):
    skill_id: int
    name: str
    required_level: int
    importance: Importance
    holders_meeting: int = Field(description="Current holders of the role at or above the required level.")
    holders_with_skill: int = Field(description="Current holders with the skill at any level.")


class RealityReport(BaseModel):
    holders: int = Field(description="People in the organisation who currently hold this role.")
    skills: list[SkillReality]
    unmet: list[str] = Field(description="Required skills no current holder meets.")
    note: str


class JDVersionRef(BaseModel):
    jd_id: UUID = Field(description="The job description's id (shared by all its versions).")
    version: int
    title: str
    created_at: str
    created_by: str | None
