"""The prose of a JD, composed deterministically from its state.

Wording avoids the gender-coded words of the published list the inclusive check uses (so the
template itself does not tilt a JD); coded words that remain come from the role's own skills or
from the requester's text, where the check can point at them.
"""

import re

from hrm.tools.jd.model import JDSkill, JobDescription, Level

LEVEL_LABELS = {1: "Novice", 2: "Developing", 3: "Proficient", 4: "Advanced", 5: "Expert"}
TITLE_PREFIX: dict[str, str] = {"entry": "Junior", "mid": "", "senior": "Senior", "lead": "Lead"}
_SENIORITY_WORDS = re.compile(
    r"^(?:(?:junior|jr\.?|graduate|associate|mid-level|mid|senior|sr\.?|lead|principal)\s+)+", re.IGNORECASE
)
RESPONSIBILITY_COUNT = {"short": 4, "standard": 6, "long": 9}
EXPERIENCE = {
    "entry": "No professional experience required: relevant study, projects or self-taught work count.",
    "mid": "Around 2 years of hands-on experience in a similar role, or equivalent practical experience.",
    "senior": "5+ years of hands-on experience in a similar role, or equivalent practical experience.",
    "lead": "7+ years of experience in a similar role, including guiding the work of others.",
    "manager": "Several years of experience in a similar role, including managing people.",
}
EMPLOYMENT = {
    "full_time": "full-time",
    "part_time": "part-time",
    "contract": "contract",
    "temporary": "temporary",
    "internship": "internship",
}


def retitle(title: str, level: Level) -> str:
    """The title with its seniority word set for ``level`` ("Data Engineer", lead → "Lead Data Engineer")."""
    if level == "manager":
        return title
    base = _SENIORITY_WORDS.sub("", title.strip()) or title.strip()
    prefix = TITLE_PREFIX[level]
    return f"{prefix} {base}".strip()


def level_label(level: int) -> str:
    return f"{LEVEL_LABELS[level]} ({level}/5)"


def employment_label(kind: str) -> str:
    return EMPLOYMENT.get(kind, kind.replace("_", " "))


def _sentence(text: str) -> str:
    text = text.strip().rstrip(".")
    return text[:1].upper() + text[1:] + "." if text else ""


def summary(jd: JobDescription) -> str:
    where = f" in {jd.location}" if jd.location else ""
    team = f" {jd.department} team" if jd.department else " team"
    reports = f", reporting to the {jd.reports_to}" if jd.reports_to else ""
    kind = employment_label(jd.employment_type)
    about = _sentence(jd.role_description)
    org = jd.organization_name or "We"
    if jd.tone == "friendly":
        text = f"We're looking for a {jd.title} to join our{team}{where}! {about} It's a {kind} role{reports}."
    else:
        text = f"{org} is seeking a {jd.title} to join its{team}{where}. {about} This is a {kind} position{reports}."
    if jd.length == "short":
        text = text.replace(f" {about}", "")
    return re.sub(r"\s+", " ", text).strip()


def _level_duties(jd: JobDescription) -> list[str]:
    team = f"a team of {jd.team_size}" if jd.team_size else "the team"
    if jd.level == "entry":
        return ["Learning from experienced colleagues through well-scoped work, with regular feedback."]
    if jd.level == "senior":
        return ["Mentoring colleagues, reviewing their work and raising the quality bar of the team."]
    if jd.level in ("lead", "manager"):
        return [f"Guiding {team}: setting technical direction, planning the work and growing its members."]
    return []


def responsibilities(jd: JobDescription) -> list[str]:
    count = RESPONSIBILITY_COUNT[jd.length]
    core = [s for s in jd.skills if s.importance in ("essential", "important") and s.description]
    duties = [_sentence(s.description) for s in core]
    lines = _level_duties(jd) + duties
    if jd.team_size and jd.level not in ("lead", "manager"):
        lines.append(f"Working within a team of {jd.team_size}.")
    if jd.length == "long":
        lines += [_sentence(s.description) for s in jd.skills if s.importance == "nice_to_have" and s.description]
    return list(dict.fromkeys(lines))[:count]


def _skill_phrase(skill: JDSkill) -> str:
    return f"{skill.name} at {level_label(skill.required_level)} level"


def qualifications(jd: JobDescription) -> list[str]:
    lines = [EXPERIENCE[jd.level]]
    essential = [s for s in jd.skills if s.importance == "essential"]
    important = [s for s in jd.skills if s.importance == "important"]
    nice = [s for s in jd.skills if s.importance == "nice_to_have"]
    if jd.length == "short":
        if essential:
            lines.append("Essential: " + ", ".join(_skill_phrase(s) for s in essential) + ".")
    else:
        lines += [_skill_phrase(s) + "." for s in essential]
        if important:
            lines.append("Also valued: " + ", ".join(_skill_phrase(s) for s in important) + ".")
        if nice and jd.length == "long":
            lines.append("A plus: " + ", ".join(s.name for s in nice) + ".")
    if jd.degree_required:
        lines.append("A degree in a related field.")
    lines += [_sentence(note) for note in jd.requirement_notes]
    return lines


def compose(jd: JobDescription) -> JobDescription:
    """The JD with its summary, responsibilities and qualifications recomposed from its state."""
    return jd.model_copy(
        update={"summary": summary(jd), "responsibilities": responsibilities(jd), "qualifications": qualifications(jd)}
    )
