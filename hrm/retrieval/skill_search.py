"""Skill search over names and aliases: exact, prefix, full-text, then fuzzy for typos.

Runs on an organisation-scoped connection, so row-level security lets it see the shared taxonomy
and that organisation's own skills only. Vector search joins this in the retrieval issue.
"""

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from hrm.core.db import Conn
from hrm.core.text import norm
from hrm.retrieval.fuzzy import best_matches

# Scores order the match kinds; within a kind, full-text rank and trigram similarity order hits.
EXACT, ALIAS, PREFIX = 1.0, 0.95, 0.8
_WORD = re.compile(r"[0-9A-Za-z+#]+")


class SkillHit(BaseModel):
    model_config = ConfigDict(frozen=True)

    skill_id: int
    name: str
    type: str
    cluster: str | None
    description: str
    source: str
    score: float = Field(description="Relevance between 0 and 1.")
    match: str = Field(description="How it matched: exact, alias, prefix, fulltext or fuzzy.")
    matched_text: str = Field(description="The name or alias that matched.")


_COLUMNS = "s.id, s.name, s.type, s.cluster, s.description, s.source"


def _source_filter(taxonomy: str) -> tuple[str, dict[str, Any]]:
    if taxonomy == "all":
        return "", {}
    return " AND s.source = %(taxonomy)s", {"taxonomy": taxonomy}


def _prefix_tsquery(query: str) -> str | None:
    words = _WORD.findall(query.lower())
    # Each word as a prefix term, so "kube" finds Kubernetes; quoted to keep + and # literal.
    return " & ".join(f"'{w}':*" for w in words[:8]) or None


async def search_skills(conn: Conn, query: str, *, taxonomy: str = "all", limit: int = 50) -> list[SkillHit]:
    key = norm(query)
    if not key:
        return []
    where, params = _source_filter(taxonomy)
    params |= {"query": query, "key": key, "prefix": key + "%", "tsq": _prefix_tsquery(query), "limit": limit}
    hits: dict[int, SkillHit] = {}

    def keep(row: dict[str, Any], score: float, match: str, matched: str) -> None:
        current = hits.get(row["id"])
        if current is None or score > current.score:
            hits[row["id"]] = SkillHit(
                skill_id=row["id"],
                name=row["name"],
                type=row["type"],
                cluster=row["cluster"],
                description=row["description"],
                source=row["source"],
                score=round(score, 4),
                match=match,
                matched_text=matched,
            )

    exact = await conn.execute(
        f"""SELECT {_COLUMNS}, s.name AS matched, 'exact' AS kind FROM skills s
            WHERE s.name_norm = %(key)s{where}
            UNION ALL
            SELECT {_COLUMNS}, a.alias, 'alias' FROM skill_aliases a JOIN skills s ON s.id = a.skill_id
            WHERE a.alias_norm = %(key)s{where}
            UNION ALL
            SELECT {_COLUMNS}, s.name, 'prefix' FROM skills s
            WHERE s.name_norm LIKE %(prefix)s AND s.name_norm <> %(key)s{where}""",
        params,
    )
    for row in await exact.fetchall():
        score = {"exact": EXACT, "alias": ALIAS}.get(row["kind"], PREFIX - 0.001 * len(row["name"]))
        keep(row, score, row["kind"], row["matched"])

    if params["tsq"]:
        fulltext = await conn.execute(
            f"""SELECT {_COLUMNS}, s.name AS matched, ts_rank_cd(s.search_tsv, q) AS rank
                FROM skills s, to_tsquery('simple', %(tsq)s) q WHERE s.search_tsv @@ q{where}
                UNION ALL
                SELECT {_COLUMNS}, a.alias, ts_rank_cd(a.search_tsv, q)
                FROM skill_aliases a JOIN skills s ON s.id = a.skill_id, to_tsquery('simple', %(tsq)s) q
                WHERE a.search_tsv @@ q{where}
                ORDER BY 8 DESC LIMIT %(limit)s""",
            params,
        )
        for row in await fulltext.fetchall():
            keep(row, 0.5 + 0.2 * min(1.0, float(row["rank"])), "fulltext", row["matched"])

    if len(hits) < limit and len(key) >= 4:
        await _fuzzy(conn, key, where, params, keep)

    ranked = sorted(hits.values(), key=lambda h: (-h.score, h.name.lower(), h.skill_id))
    return ranked[:limit]


async def _fuzzy(conn: Conn, key: str, where: str, params: dict[str, Any], keep: Any) -> None:
    vocab = await conn.execute(
        f"""SELECT s.name_norm AS label, s.id FROM skills s WHERE true{where}
            UNION ALL
            SELECT a.alias_norm, s.id FROM skill_aliases a JOIN skills s ON s.id = a.skill_id WHERE true{where}""",
        params,
    )
    labels = [(row["label"], row["id"]) for row in await vocab.fetchall()]
    # Trigrams over several glued words match anything sharing a suffix ("…management"): ask for
    # a closer resemblance there than for a single misspelt word.
    threshold = 0.35 if " " not in params["query"].strip() else 0.55
    matches = best_matches(key, labels, threshold=threshold, limit=params["limit"])
    if not matches:
        return
    ids = [ident for ident, _, _ in matches]
    rows = await conn.execute(f"SELECT {_COLUMNS} FROM skills s WHERE s.id = ANY(%s)", (ids,))
    by_id = {row["id"]: row for row in await rows.fetchall()}
    for ident, label, score in matches:
        if ident in by_id:
            keep(by_id[ident], 0.45 * score, "fuzzy", label)
