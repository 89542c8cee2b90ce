"""The structured JD, built from the role catalogue (or the organisation's own role), the
organisation's settings and the requester's free-text requirements — nothing invented.

``build`` gathers the data; ``enrich`` refreshes what depends on the skills, level and location
(salary and market insights) and recomposes the prose, so refinements reuse it.
"""

import re

from pydantic import BaseModel, Field

from hrm.core.db import Conn
from hrm.core.errors import NotFound
from hrm.retrieval.embeddings import Embedder
from hrm.tools import catalog
from hrm.tools.catalog import RoleRef
from hrm.tools.jd import market
from hrm.tools.jd.compose import compose, retitle
from hrm.tools.jd.mentions import skills_in_text
from hrm.tools.jd.model import (
    DEFAULT_SKILL_LEVEL,
    LEVEL_ORDER,
    Importance,
    JDSkill,
    JobDescription,
    Level,
    MarketInsights,
    SalaryRange,
    Source,
    Tone,
)
from hrm.tools.jd.org_settings import JDSettings, load_settings


class JDRequest(BaseModel):
    title: str = Field(
        min_length=1,
        max_length=200,
        description="The job title as HR says it, e.g. 'senior data engineer'; normalised to a catalogue role.",
    )
    level: Level | None = Field(
        None, description="entry, mid, senior, lead or manager; omit to read it from the title or the role."
    )
    department: str = Field("", max_length=100)
    location: str = Field("", max_length=100, description="City, country or 'Remote'.")
    employment_type: str = Field(
        "full_time", max_length=30, description="full_time, part_time, contract, temporary or internship."
    )
    key_requirements: str = Field(
        "",
        max_length=2000,
        description="Free-text requirements, comma or line separated, e.g. 'Kubernetes as essential, "
        "stakeholder management'. Named skills join the JD; other lines are kept as written.",
    )
    team_size: int | None = Field(None, ge=1, le=10000)
    reports_to: str = Field("", max_length=100, description="Who the role reports to, e.g. 'Head of Data'.")
    tone: Tone = "formal"


_LEVEL_WORDS: list[tuple[re.Pattern[str], Level]] = [
    (re.compile(r"\b(junior|jr|graduate|entry[- ]level)\b", re.I), "entry"),
    (re.compile(r"\b(senior|sr)\b", re.I), "senior"),
    (re.compile(r"\b(lead|principal|staff)\b", re.I), "lead"),
    (re.compile(r"\b(manager|head of)\b", re.I), "manager"),
]
_ESSENTIAL = re.compile(r"\b(essential|must(?:[- ]have)?|required|mandatory|critical)\b", re.I)
_NICE = re.compile(r"\b(nice[- ]to[- ]have|bonus|a plus|ideally|preferred|optional)\b", re.I)
_LEVEL_IN_TEXT: list[tuple[re.Pattern[str], int]] = [
    (re.compile(r"\blevel\s*([1-5])\b", re.I), 0),
    (re.compile(r"\bexpert\b", re.I), 5),
    (re.compile(r"\badvanced\b", re.I), 4),
    (re.compile(r"\b(proficient|solid|strong)\b", re.I), 3),
    (re.compile(r"\b(basic|some|developing)\b", re.I), 2),
    (re.compile(r"\bnovice\b", re.I), 1),
]
DEGREE = re.compile(r"\b(degree|bachelor'?s?|master'?s?|msc|bsc|ph\.?d|diploma)\b", re.I)
_SPLIT = re.compile(r"[\n;,]+")


def importance_in(text: str) -> Importance | None:
    if _NICE.search(text):
        return "nice_to_have"
    if _ESSENTIAL.search(text):
        return "essential"
    return None


def level_in(text: str) -> int | None:
    for pattern, value in _LEVEL_IN_TEXT:
        found = pattern.search(text)
        if found:
            return int(found.group(1)) if value == 0 else value
    return None


def level_from_title(title: str) -> Level | None:
    for pattern, level in _LEVEL_WORDS:
        if pattern.search(title):
            return level
    return None


async def resolve_role(conn: Conn, embedder: Embedder, title: str, level: Level | None) -> RoleRef:
    """The role meant: with a level asked for, the title at that level first ("data engineer",
    senior → "Senior Data Engineer"), else the title as given."""
    tries = [retitle(title, level)] if level and level != "manager" else []
    tries.append(title)
    for text in dict.fromkeys(tries):
        try:
            return await catalog.resolve_role(conn, embedder, text)
        except NotFound:
            continue
    raise NotFound(
        f"I couldn't match {title!r} to a role in the catalogue or your organisation's roles. "
        "Try a common job title, e.g. 'Data Engineer', or add the role with `hrm org import --roles`."
    )


def _shift(level: int, steps: int) -> int:
    return max(1, min(5, level + steps))


def _steps(frm: str | None, to: Level) -> int:
    if frm in LEVEL_ORDER and to in LEVEL_ORDER:
        return LEVEL_ORDER.index(to) - LEVEL_ORDER.index(frm)
    return 0


async def requested_skills(
    conn: Conn, text: str, level: Level
) -> tuple[list[tuple[int, str, Importance | None, int | None]], list[str]]:
    """Skills the free text names (id, phrase, importance asked, level asked) and its other lines."""
    skills: list[tuple[int, str, Importance | None, int | None]] = []
    notes: list[str] = []
    for fragment in (f.strip() for f in _SPLIT.split(text)):
        if not fragment:
            continue
        # A degree line is a qualification, not a skill ("computer science degree").
        mentions = [] if DEGREE.search(fragment) else await skills_in_text(conn, fragment)
        if not mentions:
            notes.append(fragment)
            continue
        for m in mentions:
            skills.append((m.skill_id, m.text, importance_in(fragment), level_in(fragment)))
    return skills, notes


def merge_skill(
    skills: list[JDSkill],
    skill_id: int,
    name: str,
    importance: Importance | None,
    level: int | None,
    *,
    default_level: int,
    source: Source,
) -> list[JDSkill]:
    """Add a skill, or raise an existing one's importance or level to what was asked."""
    out = list(skills)
    for i, s in enumerate(out):
        if s.skill_id == skill_id:
            out[i] = s.model_copy(
                update={
                    "importance": importance or s.importance,
                    "required_level": level or s.required_level,
                }
            )
            return out
    out.append(
        JDSkill(
            skill_id=skill_id,
            name=name,
            required_level=level or default_level,
            importance=importance or "important",
            source=source,
        )
    )
    return out


async def _skill_names(conn: Conn, ids: list[int]) -> dict[int, str]:
    cur = await conn.execute("SELECT id, name FROM skills WHERE id = ANY(%s)", (ids,))
    return {int(r["id"]): str(r["name"]) for r in await cur.fetchall()}


async def enrich(conn: Conn, jd: JobDescription, settings: JDSettings) -> JobDescription:
    """Salary, market insights and skill data refreshed for the JD's current state; prose recomposed."""
    role = (await catalog.roles_by_id(conn, [jd.role_id])).get(jd.role_id) if jd.role_id else None
    external_id = role.external_id if role else None
    family = role.family if role else None
    skills = await market.attach_skill_data(conn, jd.skills)
    jd = jd.model_copy(update={"skills": skills})
    salary = market.salary_for(jd, settings, external_id)
    insights = await market.insights(conn, jd, settings, external_id=external_id, family=family)
    sources = dict(jd.sources)
    sources["salary"] = salary.source
    sources["market"] = "skills_data" if insights.demand or insights.growth is not None else "none"
    return compose(jd.model_copy(update={"salary": salary, "market": insights, "sources": sources}))


async def build(conn: Conn, embedder: Embedder, req: JDRequest) -> JobDescription:
    asked_level = req.level or level_from_title(req.title)
    role = await resolve_role(conn, embedder, req.title, asked_level)
    level: Level = asked_level or (role.level if role.level in (*LEVEL_ORDER, "manager") else "mid")
    role_source: Source = "org_role" if role.org_specific else "catalogue_role"
    steps = _steps(role.level, level)
    reqs = (await catalog.requirements(conn, [role.id]))[role.id]
    skills = [
        JDSkill(
            skill_id=r.skill_id,
            name=r.name,
            required_level=_shift(r.required_level, steps),
            importance=r.importance,
            source=role_source,
        )
        for r in reqs
    ]
    asked, notes = await requested_skills(conn, req.key_requirements, level)
    names = await _skill_names(conn, [a[0] for a in asked])
    for skill_id, _phrase, importance, skill_level in asked:
        skills = merge_skill(
            skills,
            skill_id,
            names.get(skill_id, _phrase),
            importance,
            skill_level,
            default_level=DEFAULT_SKILL_LEVEL[level],
            source="request",
        )
    settings = await load_settings(conn)
    cur = await conn.execute("SELECT description FROM roles WHERE id = %s", (role.id,))
    row = await cur.fetchone()
    title = retitle(role.title, level) if steps else role.title
    jd = JobDescription(
        title=title,
        role_id=role.id,
        role_title=role.title,
        role_source=role_source,
        role_description=str(row["description"]) if row else "",
        level=level,
        department=req.department or role.department or "",
        location=req.location,
        employment_type=req.employment_type,
        team_size=req.team_size,
        reports_to=req.reports_to,
        tone=req.tone,
        degree_required=any(DEGREE.search(n) for n in notes),
        requirement_notes=notes,
        skills=skills,
        salary=SalaryRange(available=False),
        benefits=settings.benefits,
        about_us=settings.about_us,
        eeo_statement=settings.eeo_statement,
        organization_name=settings.organization_name,
        market=MarketInsights(),
        sources={
            "title": role_source,
            "summary": role_source,
            "responsibilities": role_source,
            "skills": "request" if asked else role_source,
            "qualifications": "request" if notes else role_source,
            "level": "request" if asked_level else role_source,
            "department": "request" if req.department else (role_source if role.department else "default"),
            "location": "request" if req.location else "default",
            "benefits": "default" if settings.benefits_is_default else "org_settings",
            "about_us": "default" if settings.about_us_is_default else "org_settings",
            "eeo_statement": "default" if settings.eeo_is_default else "org_settings",
        },
    )
    return await enrich(conn, jd, settings)
