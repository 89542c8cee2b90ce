"""Spelling repair for the planner's own vocabulary: the words its rules and examples are made of.

Only lower-case words one edit away from a planner word are changed (two for long words), and
only words the planner does not know already; capitalised words (names, titles) are left alone. The
nearest word wins, ties going to the more common one (the list's order). The planner tries the
repaired text only when the text as typed led nowhere.
"""

import re
from functools import cache

# Words that carry intent in the rules and labelled examples.
_WORDS = [
    "what",
    "which",
    "who",
    "whom",
    "how",
    "when",
    "where",
    "why",
    "can",
    "could",
    "would",
    "should",
    "will",
    "do",
    "does",
    "did",
    "have",
    "has",
    "had",
    "am",
    "is",
    "are",
    "was",
    "be",
    "become",
    "becoming",
    "get",
    "go",
    "move",
    "grow",
    "into",
    "from",
    "to",
    "for",
    "with",
    "the",
    "a",
    "an",
    "my",
    "me",
    "mine",
    "our",
    "team",
    "teams",
    "skill",
    "skills",
    "profile",
    "roles",
    "role",
    "job",
    "jobs",
    "position",
    "career",
    "path",
    "paths",
    "route",
    "steps",
    "next",
    "missing",
    "miss",
    "lack",
    "need",
    "needs",
    "ready",
    "gap",
    "gaps",
    "far",
    "knows",
    "know",
    "knowledge",
    "cover",
    "candidates",
    "candidate",
    "fill",
    "fit",
    "fits",
    "suits",
    "match",
    "matching",
    "search",
    "find",
    "look",
    "show",
    "list",
    "tell",
    "give",
    "people",
    "person",
    "reports",
    "report",
    "engineer",
    "engineering",
    "manager",
    "analyst",
    "scientist",
    "developer",
    "designer",
    "data",
    "senior",
    "junior",
    "lead",
    "head",
    "level",
    "levels",
    "expert",
    "advanced",
    "single",
    "point",
    "failure",
    "weak",
    "weakest",
    "strong",
    "good",
    "best",
    "draft",
    "write",
    "job",
    "description",
    "posting",
    "make",
    "more",
    "less",
    "shorter",
    "longer",
    "add",
    "remove",
    "essential",
    "confirm",
    "dispute",
    "help",
    "please",
    "thanks",
    "hello",
]
_TOKEN = re.compile(r"[A-Za-z]+")


@cache
def _known() -> frozenset[str]:
    return frozenset(_WORDS)


def _distance(word: str, candidate: str, limit: int) -> int | None:
    """Levenshtein distance when ≤ limit, else None (stopping early)."""
    if abs(len(word) - len(candidate)) > limit:
        return None
    previous = list(range(len(candidate) + 1))
    for i, a in enumerate(word, 1):
        current = [i]
        for j, b in enumerate(candidate, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        if min(current) > limit:
            return None
        previous = current
    return previous[-1] if previous[-1] <= limit else None


def _repair(word: str) -> str:
    if word in _known() or len(word) < 3 or not word.islower():
        return word
    limit = 2 if len(word) >= 7 else 1
    best: tuple[int, int, str] | None = None
    for rank, candidate in enumerate(_WORDS):
        distance = _distance(word, candidate, limit)
        if distance is not None and (best is None or (distance, rank) < best[:2]):
            best = (distance, rank, candidate)
    return best[2] if best else word


def correct_typos(text: str) -> str:
    return _TOKEN.sub(lambda m: _repair(m.group(0)), text)
