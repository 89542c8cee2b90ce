"""Optional prose polish by a language model, with a check that it invents nothing.

The model may rewrite the summary and responsibilities; it may not add skills, requirements,
figures or degree demands absent from the structured JD. A rewrite that fails the check is dropped
and the template text stands. Without a provider configured the caller skips this entirely.

The model is passed in (any object with LangChain's ``ainvoke``); this module imports no LangChain,
so the tool layer stays free of it.
"""

import json
import re
from dataclasses import dataclass
from typing import Any, Protocol

from hrm.core.db import Conn
from hrm.tools.jd.builder import DEGREE
from hrm.tools.jd.mentions import skills_in_text
from hrm.tools.jd.model import JobDescription


class ChatModel(Protocol):
    async def ainvoke(self, input: Any, /) -> Any: ...


SYSTEM = (
    "You edit job descriptions. Rewrite the summary and responsibilities below to read well in a "
    "{tone} tone. Keep every fact. Do not add skills, tools, technologies, qualifications, degrees, "
    "years of experience or any number that is not already there. Avoid gender-coded words such as "
    "'aggressive', 'dominant', 'rockstar', 'ninja'. Return only JSON: "
    '{{"summary": "...", "responsibilities": ["...", ...]}} with at most {count} responsibilities.'
)
_NUMBER = re.compile(r"\d+")
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$")


@dataclass(frozen=True)
class PolishOutcome:
    applied: bool
    reason: str
    job_description: JobDescription


def _parse(content: str) -> tuple[str, list[str]] | None:
    try:
        data = json.loads(_FENCE.sub("", content.strip()))
    except json.JSONDecodeError:
        return None
    if not isinstance(data, dict):
        return None
    summary, items = data.get("summary"), data.get("responsibilities")
    if not isinstance(summary, str) or not summary.strip() or not isinstance(items, list):
        return None
    if not all(isinstance(i, str) and i.strip() for i in items):
        return None
    return summary.strip(), [i.strip() for i in items]


async def invented(conn: Conn, jd: JobDescription, summary: str, items: list[str]) -> str | None:
    """Why a rewrite adds something the structured JD lacks, or None when it adds nothing."""
    original = "\n".join([jd.summary, *jd.responsibilities, *jd.qualifications, jd.title])
    rewrite = "\n".join([summary, *items])
    if len(items) > len(jd.responsibilities):
        return "it adds responsibilities"
    allowed = {s.skill_id for s in jd.skills} | {m.skill_id for m in await skills_in_text(conn, original)}
    extra = [m.text for m in await skills_in_text(conn, rewrite) if m.skill_id not in allowed]
    if extra:
        return "it names skills the JD does not require: " + ", ".join(sorted(set(extra)))
    numbers = set(_NUMBER.findall(rewrite)) - set(_NUMBER.findall(original))
    if numbers:
        return "it adds figures: " + ", ".join(sorted(numbers))
    if DEGREE.search(rewrite) and not DEGREE.search(original):
        return "it adds a degree requirement"
    return None


async def polish(conn: Conn, jd: JobDescription, model: ChatModel) -> PolishOutcome:
    payload = json.dumps({"title": jd.title, "summary": jd.summary, "responsibilities": jd.responsibilities})
    messages = [
        ("system", SYSTEM.format(tone=jd.tone, count=len(jd.responsibilities))),
        ("human", payload),
    ]
    try:
        reply = await model.ainvoke(messages)
    except Exception as exc:  # a provider failure must not lose the template text
        return PolishOutcome(False, f"the model call failed ({exc.__class__.__name__})", jd)
    parsed = _parse(str(getattr(reply, "content", reply)))
    if parsed is None:
        return PolishOutcome(False, "the model did not return the expected JSON", jd)
    summary, items = parsed
    problem = await invented(conn, jd, summary, items)
    if problem:
        return PolishOutcome(False, f"rewrite rejected: {problem}", jd)
    return PolishOutcome(True, "polished", jd.model_copy(update={"summary": summary, "responsibilities": items}))
