"""A sparse lexical index: each shared skill is the bag of its labels (name and aliases), weighted
by TF-IDF and ranked by cosine similarity. It is the lexical half of skill linking, where a job-ad
sentence shares words with a label without naming it verbatim.

The index is derived from the shared taxonomy only (organisation skills are found by mentions and
vectors), built on first use per taxonomy filter, and rebuilt when the taxonomy changes.
"""

from typing import Any

import numpy as np
import psycopg
from sklearn.feature_extraction.text import TfidfVectorizer

from hrm.core.db import Conn

_DOCS = """
SELECT s.id, s.name || ' ' || coalesce(string_agg(a.alias, ' '), '') AS doc
FROM skills s LEFT JOIN skill_aliases a ON a.skill_id = s.id
WHERE s.org_id IS NULL{where} GROUP BY s.id ORDER BY s.id
"""
# Changes whenever skills or aliases are added or removed: the key under which an index is valid.
_VERSION = """
SELECT (SELECT count(*) FROM skills WHERE org_id IS NULL) AS skills,
       (SELECT coalesce(max(id), 0) FROM skills WHERE org_id IS NULL) AS last_skill,
       (SELECT count(*) FROM skill_aliases WHERE org_id IS NULL) AS aliases
"""


def _docs(taxonomy: str) -> tuple[str, dict[str, str]]:
    if taxonomy == "all":
        return _DOCS.format(where=""), {}
    return _DOCS.format(where=" AND s.source = %(taxonomy)s"), {"taxonomy": taxonomy}


class LabelIndex:
    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.ids = np.asarray([int(r["id"]) for r in rows], dtype=np.int64)
        self.vectorizer = TfidfVectorizer(sublinear_tf=True, lowercase=True)
        self.matrix = self.vectorizer.fit_transform([r["doc"] for r in rows]) if rows else None

    @classmethod
    def from_connection(cls, conn: psycopg.Connection[Any], taxonomy: str) -> "LabelIndex":
        sql, params = _docs(taxonomy)
        return cls(conn.execute(sql, params).fetchall())

    def rank(self, texts: list[str], k: int = 10) -> list[list[int]]:
        """Top ``k`` skill ids per text; a text sharing no word with any label gets none."""
        if self.matrix is None or not texts:
            return [[] for _ in texts]
        scores = (self.vectorizer.transform(texts) @ self.matrix.T).toarray()
        top = np.argsort(-scores, axis=1, kind="stable")[:, :k]
        return [[int(self.ids[j]) for j in row if scores[i, j] > 0] for i, row in enumerate(top)]


class LabelIndexCache:
    """Indexes per taxonomy filter, each valid for one version of the shared taxonomy."""

    def __init__(self) -> None:
        self._indexes: dict[str, tuple[tuple[int, ...], LabelIndex]] = {}

    async def get(self, conn: Conn, taxonomy: str) -> LabelIndex:
        cur = await conn.execute(_VERSION)
        row = await cur.fetchone()
        version = tuple(int(v) for v in (row or {}).values())
        cached = self._indexes.get(taxonomy)
        if cached and cached[0] == version:
            return cached[1]
        sql, params = _docs(taxonomy)
        cur = await conn.execute(sql, params)
        index = LabelIndex(list(await cur.fetchall()))
        self._indexes[taxonomy] = (version, index)
        return index


# One per process: the index is derived reference data, the same for every organisation.
label_indexes = LabelIndexCache()
