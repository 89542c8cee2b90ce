"""The TF-IDF baseline of the skill-linking benchmark: each skill is the bag of its labels
(preferred and alternative), ranked by cosine similarity to the sentence."""

from typing import Any

import numpy as np
import psycopg
from sklearn.feature_extraction.text import TfidfVectorizer


class TfidfLinker:
    def __init__(self, conn: psycopg.Connection[Any], taxonomy: str) -> None:
        rows = conn.execute(
            """SELECT s.id, s.name || ' ' || coalesce(string_agg(a.alias, ' '), '') AS doc
               FROM skills s LEFT JOIN skill_aliases a ON a.skill_id = s.id
               WHERE s.org_id IS NULL AND s.source = %s GROUP BY s.id ORDER BY s.id""",
            (taxonomy,),
        ).fetchall()
        self.ids = np.asarray([r["id"] for r in rows])
        self.vectorizer = TfidfVectorizer(sublinear_tf=True, lowercase=True)
        self.matrix = self.vectorizer.fit_transform([r["doc"] for r in rows])

    def rank(self, texts: list[str], k: int = 10) -> list[list[int]]:
        scores = (self.vectorizer.transform(texts) @ self.matrix.T).toarray()
        top = np.argsort(-scores, axis=1, kind="stable")[:, :k]
        return [[int(self.ids[j]) for j in row] for row in top]
