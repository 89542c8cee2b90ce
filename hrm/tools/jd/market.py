"""Market insights and salary for a JD, from the skills' demand, growth and automation-risk columns,
the skill relations, and the organisation's own salary bands and time-to-fill figures.

Nothing here is estimated: a figure without data behind it is reported as missing.
"""

from collections import Counter
from statistics import fmean

from hrm.core.db import Conn
from hrm.core.text import norm
from hrm.tools.jd.model import JDSkill, JobDescription, MarketInsights, SalaryRange
from hrm.tools.jd.org_settings import JDSettings

# Higher first, so ties between equally common values resolve towards the more notable one.
_DEMAND_RANK = {"very_high": 0, "high": 1, "medium": 2, "low": 3, "very_low": 4}
TRENDING_LIMIT = 5


async def attach_skill_data(conn: Conn, skills: list[JDSkill]) -> list[JDSkill]:
    """The skills with their description, demand, growth and automation risk filled in."""
    cur = await conn.execute(
        "SELECT id, description, demand, growth, automation_risk FROM skills WHERE id = ANY(%s)",
        ([s.skill_id for s in skills],),
    )
    rows = {int(r["id"]): r for r in await cur.fetchall()}
    out = []
    for s in skills:
        row = rows.get(s.skill_id)
        if row is None:
            out.append(s)
            continue
        out.append(
            s.model_copy(
                update={
                    "description": str(row["description"] or ""),
                    "demand": row["demand"],
                    "growth": None if row["growth"] is None else round(float(row["growth"]), 3),
                    "automation_risk": row["automation_risk"],
                }
            )
        )
    return out


def _most_common(values: list[str]) -> str | None:
    if not values:
        return None
    counts = Counter(values)
    return min(counts, key=lambda v: (-counts[v], _DEMAND_RANK.get(v, 9), v))


async def _trending(conn: Conn, skills: list[JDSkill]) -> list[str]:
    ids = [s.skill_id for s in skills]
    cur = await conn.execute(
        """SELECT DISTINCT s.id, s.name, s.growth, s.demand FROM skill_relations r
           JOIN skills s ON s.id = CASE WHEN r.from_skill_id = ANY(%(ids)s) THEN r.to_skill_id ELSE r.from_skill_id END
           WHERE (r.from_skill_id = ANY(%(ids)s) OR r.to_skill_id = ANY(%(ids)s))
             AND NOT s.id = ANY(%(ids)s) AND s.growth IS NOT NULL AND s.growth > 0""",
        {"ids": ids},
    )
    rows = list(await cur.fetchall())
    rows.sort(key=lambda r: (-float(r["growth"]), _DEMAND_RANK.get(str(r["demand"]), 9), str(r["name"]).lower()))
    return [str(r["name"]) for r in rows[:TRENDING_LIMIT]]


def _keys(jd: JobDescription, external_id: str | None, family: str | None) -> list[str]:
    keys = [norm(jd.title), norm(jd.role_title)]
    if external_id:
        keys.append(norm(external_id))
    if family:
        keys.append(norm(family))
    return [k for k in keys if k]


def salary_for(jd: JobDescription, settings: JDSettings, external_id: str | None) -> SalaryRange:
    """The organisation's band for this role (and level and location, when the band names them)."""
    keys = set(_keys(jd, external_id, None))
    best: tuple[int, dict[str, object]] | None = None
    for band in settings.salary_bands:
        if norm(str(band.get("role", ""))) not in keys:
            continue
        level = str(band.get("level") or "")
        location = str(band.get("location") or "")
        if level and level != jd.level:
            continue
        if location and norm(location) != norm(jd.location):
            continue
        specificity = bool(level) + bool(location)
        if best is None or specificity > best[0]:
            best = (specificity, band)
    if best is None:
        return SalaryRange(
            available=False,
            note="No salary data for this role in the organisation's settings, so no range is given.",
        )
    band = best[1]
    try:
        low, high = int(str(band["min"])), int(str(band["max"]))
    except (KeyError, ValueError):
        return SalaryRange(available=False, note="The organisation's salary band for this role is incomplete.")
    return SalaryRange(
        available=True,
        min=low,
        max=high,
        currency=str(band.get("currency") or "EUR"),
        period=str(band.get("period") or "year"),
        source="org_settings",
        note="From the organisation's salary bands.",
    )


async def insights(
    conn: Conn, jd: JobDescription, settings: JDSettings, *, external_id: str | None, family: str | None
) -> MarketInsights:
    essential = jd.essential() or jd.skills
    demand = _most_common([s.demand for s in essential if s.demand])
    risk = _most_common([s.automation_risk for s in jd.skills if s.automation_risk])
    growths = [s.growth for s in jd.skills if s.growth is not None]
    notes = []
    ttf = None
    for key in _keys(jd, external_id, family):
        for name, days in settings.time_to_fill_days.items():
            if norm(name) == key:
                ttf = days
                break
        if ttf is not None:
            break
    if ttf is None:
        notes.append("No time-to-fill data for this role in the organisation's settings.")
    if demand is None:
        notes.append("The required skills carry no demand data.")
    return MarketInsights(
        demand=demand,
        growth=round(fmean(growths), 3) if growths else None,
        automation_risk=risk,
        trending_skills=await _trending(conn, jd.skills) if jd.skills else [],
        time_to_fill_days=ttf,
        notes=notes,
    )
