"""Project records and performance reviews sent as JSON: an object or a list of objects with
``title``, ``description``, ``role``, ``skills``, ``start`` and ``end`` (a wrapper such as
``{"projects": [...]}`` is accepted too), rendered one block per record.
"""

from collections.abc import Mapping

from hrm.retrieval.intake.dates import span
from hrm.retrieval.intake.text import normalise, one_line

KNOWN = ("title", "description", "role", "skills", "start", "end")
_WRAPPERS = ("projects", "reviews", "records", "items")
_MAX_EXTRA = 20  # further scalar fields shown per record ("rating", "reviewer"...)


def _records(value: object) -> list[Mapping[str, object]] | None:
    if isinstance(value, Mapping):
        for key in _WRAPPERS:
            if isinstance(value.get(key), list):
                return _records(value[key])
        value = [value]
    if not isinstance(value, list) or not value:
        return None
    if not all(isinstance(r, Mapping) and ({"title", "description"} & r.keys()) for r in value):
        return None
    return value


def is_records(value: object) -> bool:
    return _records(value) is not None


def _text(value: object) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _block(record: Mapping[str, object], label: str) -> str:
    lines = [f"{label}: {one_line(_text(record.get('title')))}" if _text(record.get("title")) else ""]
    if role := _text(record.get("role")):
        lines.append(f"Role: {one_line(role)}")
    if period := span(_text(record.get("start")), _text(record.get("end"))):
        lines.append(f"Period: {period}")
    skills = record.get("skills")
    names = [one_line(s) for s in skills if isinstance(s, str) and s.strip()] if isinstance(skills, list) else []
    if isinstance(skills, str) and skills.strip():
        names = [one_line(skills)]
    if names:
        # Not "Skills:" alone: a short line starting with it reads as a section heading downstream.
        lines.append(f"Skills demonstrated: {', '.join(names)}")
    extras = [(k, v) for k, v in record.items() if k not in KNOWN and _text(v)][:_MAX_EXTRA]
    lines += [f"{k.replace('_', ' ').capitalize()}: {one_line(_text(v))}" for k, v in extras]
    if description := normalise(_text(record.get("description"))):
        lines.append(description)
    return "\n".join(line for line in lines if line)


def render(value: object, source: str) -> str:
    """One block per record, headed "Project: …" (or "Review: …" for reviews)."""
    label = "Review" if source == "review" else "Project"
    return "\n\n".join(block for record in _records(value) or [] if (block := _block(record, label)))
