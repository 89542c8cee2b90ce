"""Slot filling: spans of a message linked to people of the caller's organisation, roles, skills,
levels, locations and departments.

The planner only uses these to choose arguments; it never shows a name it found here. Whether the
caller may see a person is decided by the tool that receives the argument.
"""

import re
import time
from dataclasses import dataclass
from uuid import UUID

from hrm.core.db import Conn
from hrm.core.text import norm
from hrm.tools.jd.mentions import skills_in_text

# First names that are also everyday words: only taken as a name when typed with a capital.
_WORDY_NAMES = frozenset(
    {"will", "may", "mark", "bill", "june", "april", "grace", "joy", "hope", "rose", "max", "art", "sue", "pat",
     "ray", "chase", "faith", "amber", "summer", "dawn", "guy", "sky", "rich", "page", "hunter", "lane", "sage",
     "drew", "jack", "frank", "gene"}
)  # fmt: skip
_WORD = re.compile(r"[\w+#][\w+#.'-]*", re.UNICODE)
_CACHE_SECONDS = 60.0
LONGEST_ROLE = 6

LEVEL_WORDS: dict[str, int] = {
    "novice": 1, "beginner": 1, "basic": 2, "developing": 2, "intermediate": 3, "proficient": 3,
    "advanced": 4, "expert": 5, "esperto": 5, "avanzato": 4,
}  # fmt: skip
_LEVEL_NUMBER = re.compile(r"\b(?:level|livello|at least|almeno|>=?)\s*([1-5])\b|\b([1-5])\s*(?:/\s*5|\+)")


@dataclass(frozen=True)
class OrgDirectory:
    """Names, departments and locations of one organisation's people (for linking only)."""

    names: dict[str, str]  # lower-cased first, last or full name -> the spelling a tool accepts
    departments: dict[str, str]
    locations: dict[str, str]


_directories: dict[UUID, tuple[float, OrgDirectory]] = {}


async def directory(conn: Conn, org_id: UUID) -> OrgDirectory:
    cached = _directories.get(org_id)
    if cached and time.monotonic() - cached[0] < _CACHE_SECONDS:
        return cached[1]
    cur = await conn.execute("SELECT first_name, last_name, department, location FROM people")
    names: dict[str, str] = {}
    departments: dict[str, str] = {}
    locations: dict[str, str] = {}
    for row in await cur.fetchall():
        first, last = str(row["first_name"] or ""), str(row["last_name"] or "")
        full = f"{first} {last}".strip()
        names[full.lower()] = full
        for part in (first, last):
            if part:
                names.setdefault(part.lower(), part)
        if row["department"]:
            departments[str(row["department"]).lower()] = str(row["department"])
        if row["location"]:
            locations[str(row["location"]).lower()] = str(row["location"])
    found = OrgDirectory(names, departments, locations)
    _directories[org_id] = (time.monotonic(), found)
    return found


def _spans(text: str, longest: int) -> list[tuple[int, int, str]]:
    """Word n-grams of ``text`` as (start, end, phrase), longest first then left to right."""
    words = list(_WORD.finditer(text))
    out: list[tuple[int, int, str]] = []
    for size in range(min(longest, len(words)), 0, -1):
        for i in range(len(words) - size + 1):
            start, end = words[i].start(), words[i + size - 1].end()
            out.append((start, end, text[start:end]))
    return out


def people_in(text: str, people: OrgDirectory) -> list[str]:
    """People the message names, as a tool accepts them (full names before first names)."""
    found: list[tuple[int, str]] = []
    taken: set[int] = set()
    for start, end, phrase in _spans(text, 2):
        key = phrase.lower().removesuffix("'s").removesuffix("’s")
        if key not in people.names or taken.intersection(range(start, end)):
            continue
        if key in _WORDY_NAMES and not phrase[:1].isupper():
            continue
        taken.update(range(start, end))
        found.append((start, people.names[key]))
    return [name for _, name in sorted(found)]


def place_in(text: str, people: OrgDirectory, *, role: str | None = None) -> tuple[str | None, str | None]:
    """(location, department) the message names, e.g. "in Berlin", "in Engineering". Words of
    ``role`` (a title the message names) are never a place: "fill a Senior Data Engineer role"."""
    location = department = None
    for _, _, phrase in _spans(text, 3):
        key = phrase.lower()
        if location is None and key in people.locations:
            location = people.locations[key]
        elif department is None and key in people.departments:
            department = people.departments[key]
    if location is None:
        # A city the organisation has nobody in yet is still a location ("a JD for Lisbon").
        title = f" {role.lower()} " if role else ""
        for match in re.finditer(r"\b(?:in|a|based in|located in)\s+([A-Z][a-zà-ü]+(?:\s[A-Z][a-zà-ü]+)?)", text):
            words = match.group(1).lower()
            if words not in people.departments and f" {words} " not in title:
                location = match.group(1)
                break
    if location is None and re.search(r"\bremote\b|\bda remoto\b", text, re.I):
        location = "Remote"
    return location, department


async def roles_in(conn: Conn, text: str) -> list[str]:
    """Role titles or aliases the message contains exactly, longest first."""
    spans = [(s, e, p) for s, e, p in _spans(text, LONGEST_ROLE) if norm(p)]
    if not spans:
        return []
    keys = sorted({norm(p) for _, _, p in spans})
    cur = await conn.execute(
        """SELECT title_norm AS key, title FROM roles WHERE title_norm = ANY(%(k)s)
           UNION ALL
           SELECT a.alias_norm, r.title FROM role_aliases a JOIN roles r ON r.id = a.role_id
           WHERE a.alias_norm = ANY(%(k)s)""",
        {"k": keys},
    )
    known = {str(r["key"]) for r in await cur.fetchall()}
    out: list[str] = []
    taken: set[int] = set()
    for start, end, phrase in spans:
        # One-word titles ("lead", "manager") are too ambiguous to take alone.
        if norm(phrase) in known and " " in phrase.strip() and not taken.intersection(range(start, end)):
            taken.update(range(start, end))
            out.append(phrase)
    return out


async def skills_named(conn: Conn, text: str) -> list[str]:
    """Skills the message names by name or alias, as typed."""
    out = []
    for mention in await skills_in_text(conn, text):
        phrase = text[mention.start : mention.end]
        # Short everyday words that happen to be skills ("go", "r") count only when capitalised.
        if len(phrase) <= 3 and phrase.islower() and phrase not in ("k8s", "sql", "dbt", "aws", "gcp", "c#", "c++"):
            continue
        out.append(phrase)
    return out


def level_in(text: str) -> int | None:
    match = _LEVEL_NUMBER.search(text.lower())
    if match:
        return int(match.group(1) or match.group(2))
    for word in _WORD.findall(text.lower()):
        if word in LEVEL_WORDS:
            return LEVEL_WORDS[word]
    return None
