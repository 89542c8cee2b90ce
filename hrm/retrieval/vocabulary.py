"""Verbatim skill mentions with their character offsets: every name and alias of a taxonomy,
matched against a text's word n-grams (longest match wins, no overlaps).

The vocabulary of the shared taxonomy is built once per process and taxonomy version; the calling
organisation's own skills are added per call (row-level security decides which those are).
"""

import re
from dataclasses import dataclass
from typing import Any

from hrm.core.db import Conn
from hrm.core.text import norm

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9+#.]*[A-Za-z0-9+#]|[A-Za-z0-9]|\.[A-Za-z]+")
MAX_WORDS = 6
_LABELS = """
SELECT s.id, s.name AS label, s.name, s.type, true AS is_name FROM skills s WHERE {scope}{where}
UNION ALL
SELECT s.id, a.alias, s.name, s.type, false FROM skill_aliases a JOIN skills s ON s.id = a.skill_id
WHERE {scope}{where}
"""
_VERSION = "SELECT count(*) AS n, coalesce(max(id), 0) AS m FROM skill_aliases WHERE org_id IS NULL"


@dataclass(frozen=True)
class Mention:
    skill_id: int
    name: str
    start: int
    end: int
    text: str
    weak: bool = False  # matched a one-word, all-lowercase alias: an ordinary word as often as a skill

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end


@dataclass
class Vocabulary:
    # norm(label) -> (skill id, the label as written, is it the name)
    labels: dict[str, tuple[int, str, bool]]
    names: dict[int, tuple[str, str]]  # id -> (name, type)

    def add(self, rows: list[dict[str, Any]]) -> None:
        for row in sorted(rows, key=lambda r: (not r["is_name"], r["id"])):
            key = norm(row["label"])
            # A name beats an alias, and the first (lowest id, built-in before imports) wins.
            if key and key not in self.labels:
                self.labels[key] = (int(row["id"]), row["label"], bool(row["is_name"]))
            self.names[int(row["id"])] = (row["name"], row["type"])

    def mentions(self, text: str, start: int = 0, end: int | None = None, *, longest: int = MAX_WORDS) -> list[Mention]:
        stop = len(text) if end is None else end
        tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text, start, stop)]
        found: list[Mention] = []
        index = 0
        while index < len(tokens):
            for size in range(min(longest, len(tokens) - index), 0, -1):
                a, b = tokens[index][0], tokens[index + size - 1][1]
                surface = text[a:b]
                hit = self.labels.get(norm(surface))
                if hit and _plausible(surface, hit[1]):
                    weak = not hit[2] and hit[1].isalpha() and hit[1].islower()
                    found.append(Mention(hit[0], self.names[hit[0]][0], a, b, surface, weak))
                    if size > 1:
                        # "Kubernetes operators" also names Kubernetes; "Python/Django" names Python.
                        inner = self.mentions(text, a, b, longest=size - 1)
                        found.extend(m for m in inner if m.skill_id != hit[0])
                    index += size
                    break
            else:
                index += 1
        return found


def _plausible(surface: str, label: str) -> bool:
    """Short labels ("Go", "R", "C") and acronyms ("SAFe", "TMS") are also ordinary words or
    letters: require the exact case for them."""
    acronym = " " not in label and sum(ch.isupper() for ch in label) >= 2
    if len(norm(label)) <= 3 or acronym:
        return surface.strip(".") == label
    return True


class VocabularyCache:
    def __init__(self) -> None:
        self._shared: dict[str, tuple[tuple[int, int], Vocabulary]] = {}

    async def get(self, conn: Conn, taxonomy: str) -> Vocabulary:
        cur = await conn.execute(_VERSION)
        row = await cur.fetchone()
        version = (int(row["n"]), int(row["m"])) if row else (0, 0)
        where = "" if taxonomy == "all" else " AND s.source = %(taxonomy)s"
        cached = self._shared.get(taxonomy)
        if cached is None or cached[0] != version:
            vocabulary = Vocabulary({}, {})
            cur = await conn.execute(_LABELS.format(scope="s.org_id IS NULL", where=where), {"taxonomy": taxonomy})
            vocabulary.add(list(await cur.fetchall()))
            self._shared[taxonomy] = (version, vocabulary)
            cached = self._shared[taxonomy]
        shared = cached[1]
        cur = await conn.execute(_LABELS.format(scope="s.org_id IS NOT NULL", where=""), {})
        own = list(await cur.fetchall())
        if not own:
            return shared
        combined = Vocabulary(dict(shared.labels), dict(shared.names))
        combined.add(own)
        return combined


# One per process: derived from the shared taxonomy, the same for every organisation.
vocabularies = VocabularyCache()
