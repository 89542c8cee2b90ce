"""Section detection: which part of a CV a line belongs to (experience, skills, education…)."""

import re
from dataclasses import dataclass

# Heading words by section kind; a heading is a short line made mostly of these words.
HEADINGS: dict[str, tuple[str, ...]] = {
    "experience": ("experience", "work history", "employment", "career history", "professional experience",
                   "work experience", "positions", "esperienza", "esperienze lavorative"),
    "skills": ("skills", "technical skills", "core competencies", "competencies", "technologies", "tools",
               "tech stack", "expertise", "key skills", "competenze", "skills and tools", "strengths"),
    "education": ("education", "academic", "qualifications", "degrees", "formazione", "istruzione"),
    "certifications": ("certifications", "certificates", "licenses", "licences", "courses", "training",
                       "certificazioni"),
    "projects": ("projects", "selected projects", "open source", "portfolio", "progetti"),
    "summary": ("summary", "profile", "about", "about me", "objective", "professional summary", "profilo"),
    "languages": ("languages", "lingue"),
    "interests": ("interests", "hobbies", "activities", "volunteering", "interessi", "personal"),
}  # fmt: skip
_CLEAN = re.compile(r"[^a-z ]+")


@dataclass(frozen=True)
class Section:
    kind: str  # one of HEADINGS, or "header" before the first heading
    start: int
    end: int


def heading_kind(line: str) -> str | None:
    text = _CLEAN.sub(" ", line.lower()).strip()
    if not text or len(text) > 40 or len(line.strip()) > 50:
        return None
    text = re.sub(r"\s+", " ", text)
    for kind, words in HEADINGS.items():
        for word in words:
            if text == word or (text.startswith(word) and len(text) <= len(word) + 12):
                return kind
    return None


def split_sections(text: str) -> list[Section]:
    sections: list[Section] = []
    kind, start, offset = "header", 0, 0
    for line in text.splitlines(keepends=True):
        found = heading_kind(line)
        if found:
            if offset > start:
                sections.append(Section(kind, start, offset))
            kind, start = found, offset
        offset += len(line)
    if offset > start:
        sections.append(Section(kind, start, offset))
    return sections
