"""Hybrid retrieval: lexical matches (exact names and aliases, mentions, full text, typos) and
vector similarity fused by reciprocal rank, for search boxes, skill linking and job titles."""

import re
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field

from hrm.core.db import Conn
from hrm.core.text import norm
from hrm.retrieval import skill_search
from hrm.retrieval.embeddings import Embedder, to_pgvector
from hrm.retrieval.skill_search import SkillHit
from hrm.retrieval.sparse import label_indexes
from hrm.retrieval.vector_search import nearest_roles, nearest_skills, taxonomy_filter, tune

RRF_K = 60  # the usual constant: dampens the head so one list cannot dominate the fusion
# An exact name or alias match outranks anything similarity alone can find.
EXACT_BONUS = 1.0
# Below this cosine similarity a neighbour is noise, not a match: the search box shows nothing
# rather than the least-unrelated skills (ranking tasks like linking keep every neighbour).
MIN_SEARCH_SIMILARITY = 0.4
# Verbatim mentions, vectors and label words weigh the same: the principled default of RRF,
# and the best of the settings tried on the development splits (hrm bench --suite linking).
MENTION_WEIGHT = 1.0
_WORDS = re.compile(r"[0-9A-Za-z+#.]+")


def rrf(rankings: Sequence[Sequence[int]], weights: Sequence[float] | None = None) -> dict[int, float]:
    """Reciprocal-rank fusion of ranked id lists."""
    scores: dict[int, float] = {}
    for index, ranking in enumerate(rankings):
        weight = weights[index] if weights else 1.0
        for rank, ident in enumerate(ranking, start=1):
            scores[ident] = scores.get(ident, 0.0) + weight / (RRF_K + rank)
    return scores


def _display(fused: float, weight: float = 2.0) -> float:
    """Fused score on a 0–1 scale: 1.0 for first place in every list (``weight`` = their total)."""
    return round(min(1.0, fused * (RRF_K + 1) / weight), 4)


def _ordered(scores: dict[int, float], limit: int) -> list[tuple[int, float]]:
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]


async def _skill_rows(conn: Conn, ids: list[int]) -> dict[int, dict[str, Any]]:
    cur = await conn.execute(
        "SELECT id, name, type, cluster, description, source FROM skills WHERE id = ANY(%s)", (ids,)
    )
    return {row["id"]: row for row in await cur.fetchall()}


async def search_skills(
    conn: Conn, embedder: Embedder, query: str, *, taxonomy: str = "all", limit: int = 20
) -> list[SkillHit]:
    """The search box: what the words say first, then what they mean."""
    pool = max(limit, 30)
    lexical = await skill_search.search_skills(conn, query, taxonomy=taxonomy, limit=pool)
    await tune(conn)
    vector = await nearest_skills(conn, to_pgvector(embedder.embed([query])[0]), taxonomy=taxonomy, k=pool)
    vector = [r for r in vector if float(r["sim"]) >= MIN_SEARCH_SIMILARITY]
    words = [h.skill_id for h in lexical if h.match != "fuzzy"]
    typos = [h.skill_id for h in lexical if h.match == "fuzzy"]
    # A typo guess counts half: "container orchestration" must not rank a trigram look-alike above
    # what the phrase means.
    scores = rrf([words, [int(r["id"]) for r in vector], typos], [1.0, 1.0, 0.5])
    by_lexical = {h.skill_id: h for h in lexical}
    exact = {h.skill_id for h in lexical if h.match in ("exact", "alias")}
    for ident in exact:
        scores[ident] += EXACT_BONUS
    ranked = _ordered(scores, limit)
    rows = await _skill_rows(conn, [ident for ident, _ in ranked if ident not in by_lexical])
    labels = {int(r["id"]): str(r["label"]) for r in vector}
    out = []
    for ident, score in ranked:
        base = by_lexical.get(ident)
        if base is None:
            row = rows[ident]
            base = SkillHit(
                skill_id=ident,
                name=row["name"],
                type=row["type"],
                cluster=row["cluster"],
                description=row["description"],
                source=row["source"],
                score=0.0,
                match="semantic",
                matched_text=labels.get(ident, row["name"]),
            )
        out.append(base.model_copy(update={"score": 1.0 if ident in exact else _display(score)}))
    return out


def ngrams(text: str, longest: int = 5) -> list[str]:
    """Normalised word n-grams, longest first: the spans a skill could be named by."""
    words = _WORDS.findall(text)
    grams: list[str] = []
    for size in range(min(longest, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            key = norm(" ".join(words[start : start + size]))
            if key:
                grams.append(key)
    return list(dict.fromkeys(grams))


_MENTIONS = """
SELECT DISTINCT ON (id) id, key FROM (
    SELECT s.id, s.name_norm AS key FROM skills s WHERE s.name_norm = ANY(%(keys)s){where_s}
    UNION ALL
    SELECT s.id, a.alias_norm FROM skill_aliases a JOIN skills s ON s.id = a.skill_id
    WHERE a.alias_norm = ANY(%(keys)s){where_s}
) m ORDER BY id, length(key) DESC
"""


async def mentioned_skills(conn: Conn, text: str, *, taxonomy: str) -> list[int]:
    """Skills named verbatim in ``text`` (by name or alias), longer mentions first."""
    keys = ngrams(text)
    if not keys:
        return []
    cur = await conn.execute(
        _MENTIONS.format(where_s=taxonomy_filter("s", taxonomy)), {"keys": keys, "taxonomy": taxonomy}
    )
    rows = await cur.fetchall()
    rows.sort(key=lambda r: (-len(r["key"]), r["id"]))
    return [int(r["id"]) for r in rows]


class LinkedSkill(BaseModel):
    skill_id: int
    name: str
    score: float = Field(description="Fused relevance between 0 and 1; higher is better.")
    source: str
    external_id: str


async def link_skills(
    conn: Conn, embedder: Embedder, texts: list[str], *, taxonomy: str = "all", top_k: int = 10
) -> list[list[LinkedSkill]]:
    """Rank taxonomy skills for each text (a sentence or a span); all texts embedded in one batch."""
    vectors = embedder.embed(texts)
    await tune(conn)
    pool = max(top_k * 3, 30)
    sparse = (await label_indexes.get(conn, taxonomy)).rank(texts, pool)
    results: list[list[LinkedSkill]] = []
    for text, vector, lexical in zip(texts, vectors, sparse, strict=True):
        near = await nearest_skills(conn, to_pgvector(vector), taxonomy=taxonomy, k=pool)
        named = await mentioned_skills(conn, text, taxonomy=taxonomy)
        # Three views of one text: what it means (vectors), the labels it names verbatim
        # (mentions) and the label words it shares (TF-IDF); each finds what the others miss.
        scores = rrf([[int(r["id"]) for r in near], named, lexical], [1.0, MENTION_WEIGHT, 1.0])
        ranked = _ordered(scores, top_k)
        rows = await _entity_rows(conn, "skills", [i for i, _ in ranked])
        results.append(
            [
                LinkedSkill(
                    skill_id=i,
                    name=rows[i]["name"],
                    score=_display(s, 2.0 + MENTION_WEIGHT),
                    source=rows[i]["source"],
                    external_id=rows[i]["external_id"],
                )
                for i, s in ranked
            ]
        )
    return results


async def _entity_rows(conn: Conn, table: str, ids: list[int]) -> dict[int, dict[str, Any]]:
    label = "name" if table == "skills" else "title"
    cur = await conn.execute(f"SELECT id, {label} AS name, source, external_id FROM {table} WHERE id = ANY(%s)", (ids,))
    return {row["id"]: row for row in await cur.fetchall()}


class NormalizedRole(BaseModel):
    role_id: int
    title: str
    score: float = Field(description="Fused relevance between 0 and 1; higher is better.")
    external_id: str = Field(description="The ESCO concept URI, O*NET-SOC code or built-in role code.")
    source: str


_TITLE_LEXICAL = """
SELECT id, max(score) AS score FROM (
    SELECT r.id, 2.0 AS score FROM roles r WHERE r.title_norm = %(key)s{where_r}
    UNION ALL
    SELECT r.id, 1.5 FROM role_aliases a JOIN roles r ON r.id = a.role_id WHERE a.alias_norm = %(key)s{where_r}
    UNION ALL
    SELECT r.id, ts_rank_cd(r.search_tsv, q) FROM roles r, plainto_tsquery('simple', %(title)s) q
    WHERE r.search_tsv @@ q{where_r}
    UNION ALL
    SELECT r.id, ts_rank_cd(a.search_tsv, q) FROM role_aliases a JOIN roles r ON r.id = a.role_id,
        plainto_tsquery('simple', %(title)s) q
    WHERE a.search_tsv @@ q{where_r}
) hits GROUP BY id ORDER BY score DESC, id LIMIT %(k)s
"""


async def normalize_titles(
    conn: Conn, embedder: Embedder, titles: list[str], *, taxonomy: str = "all", top_k: int = 10
) -> list[list[NormalizedRole]]:
    """Rank roles and occupations for each job title; all titles embedded in one batch."""
    vectors = embedder.embed(titles)
    await tune(conn)
    pool = max(top_k * 3, 30)
    results: list[list[NormalizedRole]] = []
    for title, vector in zip(titles, vectors, strict=True):
        near = await nearest_roles(conn, to_pgvector(vector), taxonomy=taxonomy, k=pool)
        cur = await conn.execute(
            _TITLE_LEXICAL.format(where_r=taxonomy_filter("r", taxonomy)),
            {"key": norm(title), "title": title, "k": pool, "taxonomy": taxonomy},
        )
        lexical = await cur.fetchall()
        scores = rrf([[int(r["id"]) for r in near], [int(r["id"]) for r in lexical]])
        for row in lexical:
            if float(row["score"]) >= 1.5:  # the title or one of its aliases, verbatim
                scores[int(row["id"])] += EXACT_BONUS
        ranked = _ordered(scores, top_k)
        rows = await _entity_rows(conn, "roles", [i for i, _ in ranked])
        results.append(
            [
                NormalizedRole(
                    role_id=i,
                    title=rows[i]["name"],
                    score=min(1.0, _display(s) + (EXACT_BONUS if s >= EXACT_BONUS else 0.0)),
                    external_id=rows[i]["external_id"],
                    source=rows[i]["source"],
                )
                for i, s in ranked
            ]
        )
    return results
