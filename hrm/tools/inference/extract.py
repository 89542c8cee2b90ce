"""One document's skills: sections, dated positions, mentions and meanings, with evidence whose
offsets point into the document's text."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from hrm.core.db import Conn
from hrm.retrieval.embeddings import Embedder, to_pgvector
from hrm.retrieval.intake import Document
from hrm.retrieval.vector_search import nearest_skills, tune
from hrm.retrieval.vocabulary import Vocabulary
from hrm.tools.inference.dates import Position, find_positions, merged_years
from hrm.tools.inference.guards import is_instruction, negated
from hrm.tools.inference.proficiency import estimate_level
from hrm.tools.inference.sections import Section, split_sections

LIST_SECTIONS = {"skills", "languages"}
SKIPPED_SECTIONS = {"interests"}  # hobbies are not skills
# "Jupiter & Flask Brewing Co.", "Redshift Freight Ltd": a skill's name inside a company's.
_COMPANY = re.compile(
    r"^[\w&.' -]{0,30}?\b(ltd|limited|inc|llc|plc|gmbh|srl|s\.p\.a|co\.|company|corp|"
    r"brewing|events|freight|lettings)\b",
    re.IGNORECASE,
)
# A list this long is a keyword dump, not a profile: its entries say little on their own.
STUFFED_LIST = 40
# A bullet means a skill it never names only when their vectors are this close (MiniLM cosine).
SEMANTIC_MIN = 0.62
_QUOTE_MAX = 220
_LINE = re.compile(r"[^\n]+")


@dataclass(frozen=True)
class Evidence:
    source: str
    file: str
    quote: str
    start: int
    end: int
    kind: str  # list, context, certification, semantic


@dataclass
class DocumentSkill:
    skill_id: int
    name: str
    source: str
    file: str
    level: int = 1
    confidence: float = 0.0
    years: float = 0.0
    last_used: date | None = None
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def kinds(self) -> set[str]:
        return {e.kind for e in self.evidence}


AddEvidence = Callable[[int, str, Evidence], None]


@dataclass
class DocumentResult:
    skills: list[DocumentSkill]
    warnings: list[str]
    implied: list[DocumentSkill] = field(default_factory=list)


def _quote(text: str, line_start: int, line_end: int, at: int, until: int) -> tuple[str, int, int]:
    """The evidence quote: the line, or a word-bounded window of it around the mention."""
    start, end = line_start, line_end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end - start > _QUOTE_MAX:
        start = max(start, at - _QUOTE_MAX // 2)
        end = min(end, until + _QUOTE_MAX // 2)
        while start > line_start and not text[start - 1].isspace():
            start += 1
        while end < line_end and not text[end].isspace():
            end -= 1
        start, end = min(start, at), max(end, until)
    return text[start:end], start, end


def _is_title_line(line: str, section: Section, line_start: int, source: str) -> bool:
    """A CV's name-and-title lines at the top say what someone is called, not what they did
    ("Principal Site Reliability Engineer" is no evidence of a skill called Reliability)."""
    return source == "cv" and section.kind == "header" and line_start < 200 and len(line.strip()) < 70


def _lines(text: str, section: Section) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _LINE.finditer(text, section.start, section.end)]


async def extract(
    conn: Conn, embedder: Embedder, vocabulary: Vocabulary, doc: Document, *, taxonomy: str, today: date
) -> DocumentResult:
    text = doc.text
    sections = split_sections(text)
    experience = [s for s in sections if s.kind in ("experience", "projects")] or [
        s for s in sections if s.kind not in LIST_SECTIONS | SKIPPED_SECTIONS | {"education"}
    ]
    positions = [p for s in experience for p in find_positions(text, s.start, s.end, today)]
    found: dict[int, DocumentSkill] = {}
    warnings: list[str] = list(doc.warnings)
    prose: list[tuple[int, int]] = []
    list_entries = 0

    def add(skill_id: int, name: str, evidence: Evidence) -> None:
        entry = found.setdefault(skill_id, DocumentSkill(skill_id, name, doc.source, doc.file))
        if all((e.start, e.end) != (evidence.start, evidence.end) for e in entry.evidence):
            entry.evidence.append(evidence)

    for section in sections:
        if section.kind in SKIPPED_SECTIONS:
            continue
        kind = {"certifications": "certification"}.get(
            section.kind, "list" if section.kind in LIST_SECTIONS else "context"
        )
        for line_start, line_end in _lines(text, section):
            line = text[line_start:line_end]
            if is_instruction(line):
                warnings.append(f"ignored a line addressed to the system: {line.strip()[:80]!r}")
                continue
            if _is_title_line(line, section, line_start, doc.source):
                continue
            mentions = vocabulary.mentions(text, line_start, line_end)
            if kind == "list":
                list_entries += len(mentions)
            for mention in mentions:
                if negated(line, mention.start - line_start):
                    continue
                if mention.weak and kind != "list":
                    continue  # "accuracy", "payments": in prose an ordinary word, in a skills list a skill
                if kind != "list" and _COMPANY.match(line[mention.end - line_start :]):
                    continue
                quote, start, end = _quote(text, line_start, line_end, mention.start, mention.end)
                add(mention.skill_id, mention.name, Evidence(doc.source, doc.file, quote, start, end, kind))
            if kind == "context" and len(line.strip()) >= 25:
                prose.append((line_start, line_end))

    await _semantic(conn, embedder, text, prose, doc, taxonomy, add)
    career = merged_years(positions)
    for entry in found.values():
        _score(entry, positions, text, career, stuffed=list_entries > STUFFED_LIST, today=today)
    implied = await _implied(conn, found)
    if list_entries > STUFFED_LIST:
        warnings.append(f"{list_entries} skills listed without context: listed-only skills get low confidence")
    ranked = sorted(found.values(), key=lambda s: (-s.confidence, s.name))
    return DocumentResult(ranked, warnings, sorted(implied.values(), key=lambda s: s.name))


async def _semantic(
    conn: Conn,
    embedder: Embedder,
    text: str,
    lines: list[tuple[int, int]],
    doc: Document,
    taxonomy: str,
    add: AddEvidence,
) -> None:
    """Skills a bullet describes without naming ("led a team of six" → team leadership)."""
    if not lines:
        return
    vectors = embedder.embed([text[a:b].strip() for a, b in lines])
    await tune(conn)
    for (a, b), vector in zip(lines, vectors, strict=True):
        for hit in await nearest_skills(conn, to_pgvector(vector), taxonomy=taxonomy, k=2):
            if float(hit["sim"]) >= SEMANTIC_MIN:
                quote, start, end = _quote(text, a, b, a, a)
                name_cur = await conn.execute("SELECT name FROM skills WHERE id = %s", (hit["id"],))
                row = await name_cur.fetchone()
                if row:
                    add(int(hit["id"]), row["name"], Evidence(doc.source, doc.file, quote, start, end, "semantic"))


def _score(
    entry: DocumentSkill, positions: list[Position], text: str, career: float, *, stuffed: bool, today: date
) -> None:
    used_in = [p for p in positions if any(p.start <= e.start < p.end for e in entry.evidence if e.kind != "list")]
    entry.years = merged_years(used_in)
    entry.last_used = max((p.ended for p in used_in), default=None)
    recency = (today - entry.last_used).days / 365.25 if entry.last_used else None
    kinds = entry.kinds
    listed_only = kinds <= {"list"}
    entry.level = estimate_level(
        years=entry.years,
        recency_years=recency,
        context_lines=[e.quote for e in entry.evidence if e.kind in ("context", "certification")],
        listed_only=listed_only,
        certified="certification" in kinds,
        career_years=career,
    )
    entry.confidence = _confidence(kinds, len(used_in), stuffed=stuffed)
    if stuffed and listed_only:
        entry.level = min(entry.level, 2)


# What use of a skill implies: its prerequisites (pandas in use → Python) and what it builds on
# (data science → statistics), from the taxonomy's relations. Only skills shown in use imply
# anything — a bare list implies nothing — and an implied skill is one level below its source.
# Implied skills are suggestions to confirm, kept apart from the skills the text shows: on the eval
# CVs only about a quarter of them were skills a reviewer listed.
_IMPLIES = """
SELECT r.from_skill_id AS implied, r.to_skill_id AS via, s.name FROM skill_relations r
JOIN skills s ON s.id = r.from_skill_id WHERE r.type = 'prerequisite' AND r.to_skill_id = ANY(%(ids)s)
UNION ALL
SELECT r.to_skill_id, r.from_skill_id, s.name FROM skill_relations r
JOIN skills s ON s.id = r.to_skill_id WHERE r.type = 'builds_on' AND r.from_skill_id = ANY(%(ids)s)
ORDER BY 1, 2
"""


async def _implied(conn: Conn, found: dict[int, DocumentSkill]) -> dict[int, DocumentSkill]:
    used = {i: e for i, e in found.items() if e.kinds & {"context", "certification"}}
    implied: dict[int, DocumentSkill] = {}
    if not used:
        return implied
    cur = await conn.execute(_IMPLIES, {"ids": sorted(used)})
    for row in await cur.fetchall():
        implied_id, via = int(row["implied"]), used[int(row["via"])]
        if implied_id in found or implied_id in implied:
            continue
        first = next(e for e in via.evidence if e.kind in ("context", "certification"))
        entry = DocumentSkill(implied_id, str(row["name"]), via.source, via.file, level=max(1, via.level - 1))
        entry.evidence.append(Evidence(first.source, first.file, first.quote, first.start, first.end, "implied"))
        entry.years, entry.last_used = via.years, via.last_used
        entry.confidence = _BASE["implied"]
        implied[implied_id] = entry
    return implied


# Probability that a skill found this way is one a reviewer would list, read off the reliability
# table of `hrm eval --suite inference` against the two-review gold (in-sample: the CV set is
# small): listed and shown in use, right more than nine times in ten; listed only, eight in ten;
# named once in prose, six in ten (nine in ten when used in several positions); matched only by
# meaning, about a third. Certifications are few (3), so they are held below their observed 1.0.
_BASE = {"context": 0.6, "certification": 0.85, "list": 0.8, "semantic": 0.35, "implied": 0.25}
_STUFFED = 0.25  # a context-free skill in a stuffed list: a claim, not evidence


def _confidence(kinds: set[str], positions: int, *, stuffed: bool) -> float:
    if stuffed and kinds <= {"list"}:
        return _STUFFED
    base = max(_BASE[k] for k in kinds)
    if "list" in kinds and kinds & {"context", "certification"}:
        base = 0.93  # listed and shown in use
    base += min(0.3, 0.15 * max(0, positions - 1))
    return round(min(0.95, base), 3)
