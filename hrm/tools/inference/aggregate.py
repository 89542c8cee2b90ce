"""Several sources about one person → one view per skill (seed §5.1): per-source reliability,
outlier removal, agreement raising confidence, and verification flags with an explanation."""

from statistics import median

from pydantic import BaseModel, Field

from hrm.core.models import LEVEL_LABELS
from hrm.tools.inference.extract import DocumentSkill

# How far a source's claims are trusted, relative to a CV: the per-document confidences are
# calibrated on CVs (the eval set), so a CV keeps them as they are; reviews are observed work; a
# LinkedIn skill list is self-declared.
SOURCE_WEIGHTS = {"review": 1.0, "github": 1.0, "cv": 1.0, "project": 1.0, "linkedin": 0.85}
VERIFY_BELOW = 0.7
OUTLIER_DISTANCE = 1.5


class EvidenceOut(BaseModel):
    source: str
    file: str
    quote: str
    start: int = Field(description="Character offset of the quote in the extracted text of the file.")
    end: int
    kind: str = Field(description="list, context, certification, semantic or implied")


class InferredSkill(BaseModel):
    skill_id: int
    name: str
    proficiency: int = Field(ge=1, le=5)
    proficiency_label: str
    confidence: float = Field(ge=0, le=1)
    verification_needed: bool
    sources: list[str]
    evidence: list[EvidenceOut]
    explanation: str


def aggregate(found: list[DocumentSkill]) -> list[InferredSkill]:
    by_skill: dict[int, list[DocumentSkill]] = {}
    for item in found:
        by_skill.setdefault(item.skill_id, []).append(item)
    return sorted((_combine(items) for items in by_skill.values()), key=lambda s: (-s.confidence, s.name))


def _combine(items: list[DocumentSkill]) -> InferredSkill:
    weighted = [(item, SOURCE_WEIGHTS.get(item.source, 0.8) * item.confidence) for item in items]
    kept = weighted
    if len(weighted) >= 3:
        middle = median(item.level for item, _ in weighted)
        kept = [(item, w) for item, w in weighted if abs(item.level - middle) <= OUTLIER_DISTANCE] or weighted
    # Independent sources agreeing: the chance that all of them are wrong shrinks (noisy-OR).
    miss = 1.0
    for _, weight in kept:
        miss *= 1.0 - weight
    confidence = round(1.0 - miss, 3)
    total = sum(w for _, w in kept) or 1.0
    level = max(1, min(5, round(sum(item.level * w for item, w in kept) / total)))
    sources = sorted({item.source for item, _ in kept})
    evidence = [
        EvidenceOut(source=e.source, file=e.file, quote=e.quote, start=e.start, end=e.end, kind=e.kind)
        for item, _ in kept
        for e in item.evidence
    ]
    return InferredSkill(
        skill_id=items[0].skill_id,
        name=items[0].name,
        proficiency=level,
        proficiency_label=LEVEL_LABELS[level],
        confidence=confidence,
        verification_needed=confidence < VERIFY_BELOW or len({item.file for item, _ in kept}) < 2,
        sources=sources,
        evidence=evidence[:8],
        explanation=_explain([item for item, _ in kept], level, len(items) - len(kept)),
    )


def _explain(items: list[DocumentSkill], level: int, dropped: int) -> str:
    parts = []
    for item in items:
        kinds = sorted(item.kinds)
        used = f", {item.years:.1f} years of dated use" if item.years >= 0.1 else ""
        last = f", last used {item.last_used.year}" if item.last_used else ""
        parts.append(f"{item.file} ({item.source}: {', '.join(kinds)}{used}{last})")
    text = f"{LEVEL_LABELS[level]} ({level}/5) from " + "; ".join(parts)
    if dropped:
        text += f"; {dropped} outlying source(s) set aside"
    if len(items) < 2:
        text += "; one source only, so worth confirming"
    return text
