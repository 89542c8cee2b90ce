"""What changed between two versions of a JD: readable sentences and a unified text diff."""

import difflib

from hrm.tools.jd.compose import level_label
from hrm.tools.jd.model import JobDescription
from hrm.tools.jd.render import IMPORTANCE_LABELS, markdown

_FIELDS = {
    "title": "Title",
    "level": "Level",
    "location": "Location",
    "tone": "Tone",
    "length": "Length",
    "department": "Department",
    "employment_type": "Employment type",
}


def changes(old: JobDescription, new: JobDescription) -> list[str]:
    out = []
    for field, label in _FIELDS.items():
        before, after = getattr(old, field), getattr(new, field)
        if before != after:
            out.append(f"{label}: {before or '(none)'} → {after or '(none)'}")
    if old.degree_required != new.degree_required:
        out.append("Degree requirement " + ("added" if new.degree_required else "removed"))
    before = {s.skill_id: s for s in old.skills}
    after = {s.skill_id: s for s in new.skills}
    for sid, s in after.items():
        if sid not in before:
            out.append(f"Added {s.name} ({IMPORTANCE_LABELS[s.importance].lower()}, {level_label(s.required_level)})")
    for sid, s in before.items():
        if sid not in after:
            out.append(f"Removed {s.name}")
    levels = [
        (before[sid], s) for sid, s in after.items() if sid in before and before[sid].required_level != s.required_level
    ]
    if levels:
        out.append("Levels: " + ", ".join(f"{a.name} {a.required_level}→{b.required_level}" for a, b in levels))
    for sid, s in after.items():
        if sid in before and before[sid].importance != s.importance:
            out.append(
                f"{s.name}: {IMPORTANCE_LABELS[before[sid].importance].lower()} → "
                f"{IMPORTANCE_LABELS[s.importance].lower()}"
            )
    if old.salary != new.salary:
        out.append("Salary information updated")
    return out


def text_diff(old: JobDescription, new: JobDescription, *, old_version: int, new_version: int) -> str:
    """A unified diff of the candidate-facing Markdown."""
    return "".join(
        difflib.unified_diff(
            markdown(old, internal=False).splitlines(keepends=True),
            markdown(new, internal=False).splitlines(keepends=True),
            fromfile=f"version {old_version}",
            tofile=f"version {new_version}",
            n=1,
        )
    )
