"""The groundedness guard: every person, skill and role a reply names must come from that turn.

A name is grounded when it (or another name of the same skill, role or person) appears in the
turn's tool outputs, in the user's message, or is the caller. Names are found by looking up the
reply's word n-grams in the organisation's people and in the taxonomy's skill and role names and
aliases, so "k8s" in a reply is grounded by "Kubernetes" in a tool output and vice versa.

Ordinary words are not names: a lowercase single word never counts, a lowercase phrase counts
only as a canonical skill name or role title (not one of the thousands of aliases), and a
capitalised common word at the start of a sentence is read as the word it is.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from hrm.core.db import Conn
from hrm.core.principals import Principal
from hrm.core.text import norm

Kind = Literal["person", "skill", "role"]

_LETTER = "A-Za-z0-9\u00c0-\u024f"
_TOKEN = re.compile(rf"[{_LETTER}][{_LETTER}+#]*(?:[.'\u2019-][{_LETTER}+#]+)*")
# A name never spans these; "/" and "&" stay inside ("CI/CD", "R&D").
_BREAK = re.compile(r"[,;:!?()\[\]{}\n\"|.]")
MAX_NGRAM = 6

# Words that start sentences or edge phrases without being names.
_COMMON_WORDS = """
a an and are as at be but by can could do does for from go have he her here his how i if in is it
its just let may me more most my no not now of on one or our she so some that the their them then
there these they this to up us was we well what when where which who why will with would yes you
your also based both each even first good great next only other over same see sure than those try
via all any best top new key core lead
"""
_COMMON = frozenset(_COMMON_WORDS.split())


@dataclass(frozen=True)
class Mention:
    kind: Kind
    text: str  # as written in the reply
    names: tuple[str, ...]  # what it was recognised as


@dataclass(frozen=True)
class Grounding:
    mentions: list[Mention]
    ungrounded: list[Mention]

    @property
    def ok(self) -> bool:
        return not self.ungrounded

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "mentions": len(self.mentions),
            "ungrounded": [{"kind": m.kind, "text": m.text} for m in self.ungrounded],
        }


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int
    sentence_start: bool


@dataclass
class Evidence:
    """Normalised n-grams of everything the turn may name."""

    keys: set[str] = field(default_factory=set)

    def add_text(self, text: str) -> None:
        for segment in _segments(text):
            for i in range(len(segment)):
                for n in range(1, min(MAX_NGRAM, len(segment) - i) + 1):
                    self.keys.add(norm(" ".join(t.text for t in segment[i : i + n])))
        if len(text) <= 200:
            self.keys.add(norm(text))

    def add_value(self, value: Any) -> None:
        """Every string (and dictionary key naming nothing) inside a tool output."""
        if isinstance(value, str):
            self.add_text(value)
        elif isinstance(value, dict):
            for item in value.values():
                self.add_value(item)
        elif isinstance(value, list | tuple):
            for item in value:
                self.add_value(item)

    def has(self, key: str) -> bool:
        return bool(key) and key in self.keys


def evidence_for(user_message: str, caller: Principal, outputs: Iterable[Any]) -> Evidence:
    evidence = Evidence()
    evidence.add_text(user_message)
    # The caller is known to the conversation: greeting them by name invents nothing.
    evidence.add_text(caller.display_name)
    evidence.add_text(caller.email)
    for output in outputs:
        evidence.add_value(output)
    return evidence


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    previous_end = 0
    for match in _TOKEN.finditer(text):
        gap = text[previous_end : match.start()]
        at_start = (
            not tokens or bool(re.search(r"[.!?:\n•]\s*[*_`>#-]*\s*$", gap)) or gap.strip().startswith(("-", "*"))
        )
        tokens.append(_Token(match.group(), match.start(), match.end(), at_start))
        previous_end = match.end()
    return tokens


def _segments(text: str) -> list[list[_Token]]:
    """Runs of tokens with nothing between them that a name cannot contain."""
    segments: list[list[_Token]] = []
    current: list[_Token] = []
    previous_end = 0
    for token in _tokens(text):
        if current and _BREAK.search(text[previous_end : token.start]):
            segments.append(current)
            current = []
        current.append(token)
        previous_end = token.end
    if current:
        segments.append(current)
    return segments


def _is_common(token: _Token) -> bool:
    return token.text.lower() in _COMMON


def _looks_like_a_name(token: _Token) -> bool:
    """A single word reads as a name only when written like one."""
    word = token.text
    if len(word) < 2 or (_is_common(token) and token.sentence_start):
        return False
    if any(ch in word for ch in "+#.") or any(ch.isdigit() for ch in word):
        return True
    return any(ch.isupper() for ch in word)


def _plain_lowercase(token: _Token) -> bool:
    return not any(ch.isupper() or ch.isdigit() or ch in "+#." for ch in token.text)


def _spans(segment: list[_Token]) -> Iterator[tuple[int, int, str]]:
    for i in range(len(segment)):
        for n in range(1, min(MAX_NGRAM, len(segment) - i) + 1):
            first, last = segment[i], segment[i + n - 1]
            # Phrases that start or end on a function word are not names ("the Python").
            if n > 1 and (_is_common(first) or _is_common(last)):
                continue
            yield i, i + n, norm(" ".join(t.text for t in segment[i : i + n]))


async def _lookup(conn: Conn, keys: list[str], words: list[str]) -> tuple[list[dict[str, Any]], dict[str, set[str]]]:
    """Taxonomy and people rows whose names match ``keys``, and every name key of each entity."""
    cur = await conn.execute(
        """SELECT 'skill' AS kind, s.id::text AS id, s.name AS name, s.name_norm AS key, true AS canonical
             FROM skills s WHERE s.name_norm = ANY(%(k)s)
           UNION ALL
           SELECT 'skill', s.id::text, s.name, a.alias_norm, false
             FROM skill_aliases a JOIN skills s ON s.id = a.skill_id WHERE a.alias_norm = ANY(%(k)s)
           UNION ALL
           SELECT 'role', r.id::text, r.title, r.title_norm, true FROM roles r WHERE r.title_norm = ANY(%(k)s)
           UNION ALL
           SELECT 'role', r.id::text, r.title, a.alias_norm, false
             FROM role_aliases a JOIN roles r ON r.id = a.role_id WHERE a.alias_norm = ANY(%(k)s)""",
        {"k": keys},
    )
    rows = list(await cur.fetchall())
    entity_keys: dict[str, set[str]] = {}
    skill_ids = [int(r["id"]) for r in rows if r["kind"] == "skill"]
    role_ids = [int(r["id"]) for r in rows if r["kind"] == "role"]
    if skill_ids or role_ids:
        cur = await conn.execute(
            """SELECT 'skill:' || id AS entity, name_norm AS key FROM skills WHERE id = ANY(%(s)s)
               UNION ALL SELECT 'skill:' || skill_id, alias_norm FROM skill_aliases WHERE skill_id = ANY(%(s)s)
               UNION ALL SELECT 'role:' || id, title_norm FROM roles WHERE id = ANY(%(r)s)
               UNION ALL SELECT 'role:' || role_id, alias_norm FROM role_aliases WHERE role_id = ANY(%(r)s)""",
            {"s": skill_ids, "r": role_ids},
        )
        for row in await cur.fetchall():
            entity_keys.setdefault(row["entity"], set()).add(row["key"])

    # People of the caller's organisation only: row-level security scopes this connection.
    cur = await conn.execute(
        """SELECT id::text AS id, email, first_name, last_name FROM people
           WHERE lower(first_name) = ANY(%(w)s) OR lower(last_name) = ANY(%(w)s)""",
        {"w": words},
    )
    for person in await cur.fetchall():
        entity = f"person:{person['id']}"
        full = f"{person['first_name']} {person['last_name']}"
        names = {norm(person["first_name"]), norm(person["last_name"]), norm(full)}
        for key in names:
            if key in keys:
                rows.append(
                    {"kind": "person", "id": person["id"], "name": full, "key": key, "canonical": key == norm(full)}
                )
        entity_keys[entity] = {norm(full), norm(person["email"]), norm(person["id"])}
    return rows, entity_keys


def _person_grounded(entity_keys: set[str], evidence: Evidence, first_last: tuple[str, str] | None) -> bool:
    if any(evidence.has(k) for k in entity_keys):
        return True
    return first_last is not None and evidence.has(first_last[0]) and evidence.has(first_last[1])


async def check_reply(conn: Conn, reply: str, evidence: Evidence) -> Grounding:
    """Find the people, skills and roles ``reply`` names and those ``evidence`` does not ground."""
    segments = _segments(reply)
    spans = [(si, i, j, key) for si, segment in enumerate(segments) for i, j, key in _spans(segment)]
    keys = sorted({key for *_, key in spans if key})
    words = sorted({t.text.lower() for segment in segments for t in segment})
    if not keys:
        return Grounding([], [])
    rows, entity_keys = await _lookup(conn, keys, words)
    by_key: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_key.setdefault(row["key"], []).append(row)

    candidates: list[tuple[int, int, int, list[dict[str, Any]]]] = []
    for si, i, j, key in spans:
        matches = by_key.get(key, [])
        surface = segments[si][i:j]
        if j - i == 1 and not _looks_like_a_name(surface[0]):
            continue
        if all(_plain_lowercase(t) for t in surface):
            # Plain lowercase words: only a canonical skill name or role title, never a person or alias.
            matches = [m for m in matches if m["canonical"] and m["kind"] != "person"]
        if matches:
            candidates.append((si, i, j, matches))

    # Longest names first; a shorter name inside a longer one is part of it, not a mention.
    candidates.sort(key=lambda c: (-(c[2] - c[1]), c[0], c[1]))
    taken: set[tuple[int, int]] = set()
    mentions: list[Mention] = []
    ungrounded: list[Mention] = []
    for si, i, j, matches in candidates:
        if any((si, k) in taken for k in range(i, j)):
            continue
        taken.update((si, k) for k in range(i, j))
        surface_tokens = segments[si][i:j]
        text = reply[surface_tokens[0].start : surface_tokens[-1].end]
        kinds = {m["kind"] for m in matches}
        mention = Mention(
            kind="person" if "person" in kinds else "skill" if "skill" in kinds else "role",
            text=text,
            names=tuple(sorted({m["name"] for m in matches})),
        )
        mentions.append(mention)
        if evidence.has(norm(text)):
            continue
        grounded = False
        for match in matches:
            entity = f"{match['kind']}:{match['id']}"
            known = entity_keys.get(entity, {match["key"]})
            if match["kind"] == "person":
                first, _, last = match["name"].partition(" ")
                grounded = _person_grounded(known, evidence, (norm(first), norm(last)))
            else:
                grounded = any(evidence.has(k) for k in known)
            if grounded:
                break
        if not grounded:
            ungrounded.append(mention)
    mentions.sort(key=lambda m: reply.find(m.text))
    ungrounded.sort(key=lambda m: reply.find(m.text))
    return Grounding(mentions, ungrounded)
