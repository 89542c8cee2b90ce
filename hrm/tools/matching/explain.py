"""Plain explanations of a person × role score, one clause per component."""

from dataclasses import dataclass

from pydantic import BaseModel, Field

from hrm.tools.catalog import Requirement


class ScoreParts(BaseModel):
    total: float = Field(description="Weighted total, 0–1: 0.55 coverage + 0.20 semantic + 0.15 career + 0.10 context.")
    coverage: float = Field(description="Requirements met, weighted by importance, partial credit for lower levels.")
    semantic: float = Field(description="Similarity of the skill sets' meanings (related skills count).")
    career: float = Field(description="Closeness on the career graph to the person's current role.")
    context: float = Field(description="Match on department, location or remote preferences.")


class SkillShortfall(BaseModel):
    skill: str
    current_level: int = Field(description="0 when the person does not have the skill.")
    required_level: int
    importance: str


@dataclass(frozen=True)
class Fit:
    essential_met: int
    essential_total: int
    met: int
    total: int
    shortfalls: list[SkillShortfall]


def fit(needs: list[Requirement], levels: dict[int, int]) -> Fit:
    shortfalls = [
        SkillShortfall(
            skill=q.name,
            current_level=levels.get(q.skill_id, 0),
            required_level=q.required_level,
            importance=q.importance,
        )
        for q in needs
        if levels.get(q.skill_id, 0) < q.required_level
    ]
    essential = [q for q in needs if q.importance == "essential"]
    short = {s.skill for s in shortfalls}
    return Fit(
        essential_met=sum(q.name not in short for q in essential),
        essential_total=len(essential),
        met=len(needs) - len(shortfalls),
        total=len(needs),
        shortfalls=shortfalls,
    )


def _coverage_clause(result: Fit) -> str:
    if result.essential_total:
        head = f"meets {result.essential_met} of {result.essential_total} essential skills"
    else:
        head = f"meets {result.met} of {result.total} required skills"
    partial = [s for s in result.shortfalls if s.current_level > 0][:2]
    missing = [s for s in result.shortfalls if s.current_level == 0 and s.importance == "essential"][:2]
    clauses = [head]
    clauses += [f"{s.skill} {s.current_level} of {s.required_level} required" for s in partial]
    if missing:
        clauses.append("missing " + " and ".join(s.skill for s in missing))
    return "; ".join(clauses)


def explain(parts: ScoreParts, result: Fit, *, hops: int | None, current: str | None, context: str | None) -> str:
    clauses = [_coverage_clause(result), f"skill profile {parts.semantic:.0%} similar"]
    if hops and current:
        clauses.append(f"a next step from {current}" if hops == 1 else f"{hops} steps from {current}")
    if context and parts.context > 0:
        clauses.append(context)
    return "; ".join(clauses)
