"""Skills named verbatim in a text, by name or alias, without overlaps.

Used to read free-text requirements ("must know Kubernetes") and to check that a rewritten JD
names no skill the structured JD lacks. Longest mentions win ("Apache Spark" over "Spark"), and a
word belongs to one mention only.
"""

import re
from dataclasses import dataclass

from hrm.core.db import Conn
from hrm.core.text import norm
from hrm.retrieval.skill_lookup import resolve_skill_names

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9+#]*(?:[.\-][A-Za-z0-9+#]+)*")
LONGEST = 5


@dataclass(frozen=True)
class Mention:
    skill_id: int
    text: str
    start: int
    end: int


async def skills_in_text(conn: Conn, text: str) -> list[Mention]:
    words = list(_WORD.finditer(text))
    spans: list[tuple[int, int, str]] = []
    for size in range(min(LONGEST, len(words)), 0, -1):
        for i in range(len(words) - size + 1):
            phrase = text[words[i].start() : words[i + size - 1].end()]
            if norm(phrase):
                spans.append((i, i + size, phrase))
    if not spans:
        return []
    found = await resolve_skill_names(conn, sorted({p for _, _, p in spans}))
    taken: set[int] = set()
    out: list[Mention] = []
    for first, last, phrase in spans:  # longest first, then left to right
        if phrase not in found or taken.intersection(range(first, last)):
            continue
        taken.update(range(first, last))
        out.append(Mention(found[phrase], phrase, words[first].start(), words[last - 1].end()))
    out.sort(key=lambda m: m.start)
    return out
