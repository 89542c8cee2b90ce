"""Conversational edits of a JD: each instruction is parsed into edits, or declined plainly.

Supported: more or less senior; add, remove or re-weight a skill (with importance and level);
remove the degree requirement; shorter or longer; change the location; formal or friendly tone.
Several edits may be joined ("make it more senior and add Kubernetes as essential").
"""

import re
from dataclasses import dataclass
from typing import Literal

from hrm.core.db import Conn
from hrm.core.errors import InvalidInput
from hrm.tools.jd.builder import DEGREE, importance_in, level_in, merge_skill
from hrm.tools.jd.compose import retitle
from hrm.tools.jd.mentions import skills_in_text
from hrm.tools.jd.model import DEFAULT_SKILL_LEVEL, LEVEL_ORDER, Importance, JobDescription, Length, Tone

EditKind = Literal["seniority", "add_skill", "remove_skill", "remove_degree", "length", "location", "tone"]

SUPPORTED = (
    "make it more or less senior, add or remove a skill (e.g. 'add Kubernetes as essential'), make a skill "
    "essential, important or nice to have, remove the degree requirement, make it shorter or longer, "
    "change the location, or switch the tone to formal or friendly"
)
_VERB = (
    r"(?:make|add|include|require|remove|drop|delete|change|move|set|switch|use|mark|shorter|longer|more|less"
    r"|no|without|it|please|base|relocate)"
)
_CLAUSES = re.compile(rf"\s*(?:;|,|\.\s|\band\b|\bthen\b|\balso\b)\s*(?={_VERB}\b)", re.I)
_LENGTHS: tuple[Length, ...] = ("short", "standard", "long")


@dataclass(frozen=True)
class Edit:
    kind: EditKind
    text: str = ""
    step: int = 0
    importance: Importance | None = None
    level: int | None = None
    value: str = ""


_MORE_SENIOR = re.compile(
    r"\b(more senior|more experienced|increase (?:the )?seniority|level (?:it )?up|raise the bar|senior(?:ity)? up)\b"
)
_LESS_SENIOR = re.compile(r"\b(less senior|more junior|less experienced|lower (?:the )?seniority|junior(?:ise|ize)?)\b")
_SHORTER = re.compile(r"\b(shorter|more concise|trim|shorten|brief(?:er)?|condense|cut it down)\b")
_LONGER = re.compile(r"\b(longer|more detail(?:ed)?|expand|lengthen|elaborate)\b")
_FRIENDLY = re.compile(r"\b(friendl(?:y|ier)|casual|warmer|less formal|informal|relaxed)\b")
_FORMAL = re.compile(r"\b(more formal|formal|professional|less casual)\b")
_LOCATION = re.compile(
    r"^(?:please\s+)?(?:(?:change|set|update|switch)\s+(?:the\s+)?location\s+to"
    r"|(?:move|relocate)\s+(?:it|the role|the job)?\s*to"
    r"|(?:make it |it should be |it's )?(?:based|located)\s+in|location\s*[:=])\s+(.+?)\.?$",
    re.I,
)
_REMOTE = re.compile(r"^(?:please\s+)?make it (fully )?remote\.?$", re.I)
_ADD = re.compile(r"^(?:please\s+)?(?:add|include|require)\s+(.+)$", re.I)
_REWEIGHT = re.compile(
    r"^(?:please\s+)?(?:make|mark|set)\s+(.+?)\s+(?:as\s+|to\s+)?(?:an?\s+)?"
    r"(essential|important|nice[- ]to[- ]have|optional|a must(?:[- ]have)?)\.?$",
    re.I,
)
_REMOVE = re.compile(
    r"^(?:please\s+)?(?:remove|drop|delete|take out|no longer require|don't require|do not require|no|without)\s+(.+)$",
    re.I,
)


def _seniority(clause: str) -> Edit | None:
    low = clause.lower()
    if _MORE_SENIOR.search(low):
        return Edit("seniority", clause, step=1)
    if _LESS_SENIOR.search(low):
        return Edit("seniority", clause, step=-1)
    return None


def parse_clause(clause: str) -> Edit | None:
    text = clause.strip().strip(".!").strip()
    low = text.lower()
    if not text:
        return None
    found = _seniority(text)
    if found:
        return found
    if match := _LOCATION.match(text):
        return Edit("location", text, value=match.group(1).strip())
    if _REMOTE.match(text):
        return Edit("location", text, value="Remote")
    if _REMOVE.match(text) and DEGREE.search(text):
        return Edit("remove_degree", text)
    if match := _REWEIGHT.match(text):
        return Edit("add_skill", match.group(1), importance=importance_in(match.group(2)) or "important")
    if match := _ADD.match(text):
        return Edit(
            "add_skill", match.group(1), importance=importance_in(match.group(1)), level=level_in(match.group(1))
        )
    if match := _REMOVE.match(text):
        return Edit("remove_skill", match.group(1))
    if _SHORTER.search(low):
        return Edit("length", text, step=-1)
    if _LONGER.search(low):
        return Edit("length", text, step=1)
    if _FRIENDLY.search(low):
        return Edit("tone", text, value="friendly")
    if _FORMAL.search(low):
        return Edit("tone", text, value="formal")
    return None


def parse(instruction: str) -> list[Edit]:
    """The edits an instruction asks for; ``InvalidInput`` naming what is supported otherwise."""
    clauses = [c for c in _CLAUSES.split(instruction.strip()) if c and c.strip()]
    edits = []
    for clause in clauses or [instruction]:
        edit = parse_clause(clause)
        if edit is None:
            raise InvalidInput(f"I can't make that change to a job description: {clause.strip()!r}. I can {SUPPORTED}.")
        edits.append(edit)
    return edits


async def apply(conn: Conn, jd: JobDescription, edits: list[Edit]) -> JobDescription:
    """The JD's state with the edits applied (prose is recomposed by the caller's ``enrich``)."""
    for edit in edits:
        jd = await _apply_one(conn, jd, edit)
    return jd


def _with_source(jd: JobDescription, *fields: str) -> dict[str, object]:
    sources = dict(jd.sources)
    for field in fields:
        sources[field] = "refinement"
    return {"sources": sources}


async def _apply_one(conn: Conn, jd: JobDescription, edit: Edit) -> JobDescription:
    if edit.kind == "seniority":
        if jd.level not in LEVEL_ORDER:
            raise InvalidInput(
                f"A {jd.level}-level JD has no seniority ladder to move along; change the title instead."
            )
        index = LEVEL_ORDER.index(jd.level) + edit.step
        if not 0 <= index < len(LEVEL_ORDER):
            raise InvalidInput(
                f"This JD is already at the {'highest' if edit.step > 0 else 'lowest'} level ({jd.level})."
            )
        level = LEVEL_ORDER[index]
        skills = [
            s.model_copy(update={"required_level": max(1, min(5, s.required_level + edit.step))}) for s in jd.skills
        ]
        return jd.model_copy(
            update={"level": level, "title": retitle(jd.title, level), "skills": skills}
            | _with_source(jd, "level", "title")
        )
    if edit.kind == "location":
        return jd.model_copy(update={"location": edit.value} | _with_source(jd, "location"))
    if edit.kind == "tone":
        tone: Tone = "friendly" if edit.value == "friendly" else "formal"
        return jd.model_copy(update={"tone": tone})
    if edit.kind == "length":
        index = _LENGTHS.index(jd.length) + edit.step
        if not 0 <= index < len(_LENGTHS):
            raise InvalidInput(f"This JD is already as {'long' if edit.step > 0 else 'short'} as I can make it.")
        return jd.model_copy(update={"length": _LENGTHS[index]})
    if edit.kind == "remove_degree":
        if not jd.degree_required:
            raise InvalidInput("This JD has no degree requirement to remove.")
        notes = [n for n in jd.requirement_notes if not DEGREE.search(n)]
        return jd.model_copy(update={"degree_required": False, "requirement_notes": notes})
    mentions = await skills_in_text(conn, edit.text)
    if not mentions:
        raise InvalidInput(
            f"I don't know a skill called {edit.text.strip()!r}; try its common name, e.g. 'Kubernetes'."
        )
    ids = {m.skill_id for m in mentions}
    if edit.kind == "remove_skill":
        present = [s for s in jd.skills if s.skill_id in ids]
        if not present:
            raise InvalidInput(
                f"{', '.join(m.text for m in mentions)} is not in this JD, so there is nothing to remove."
            )
        return jd.model_copy(
            update={"skills": [s for s in jd.skills if s.skill_id not in ids]} | _with_source(jd, "skills")
        )
    cur = await conn.execute("SELECT id, name FROM skills WHERE id = ANY(%s)", (sorted(ids),))
    names = {int(r["id"]): str(r["name"]) for r in await cur.fetchall()}
    skills = jd.skills
    for m in mentions:
        skills = merge_skill(
            skills,
            m.skill_id,
            names.get(m.skill_id, m.text),
            edit.importance,
            edit.level,
            default_level=DEFAULT_SKILL_LEVEL[jd.level],
            source="refinement",
        )
    return jd.model_copy(update={"skills": skills} | _with_source(jd, "skills"))
