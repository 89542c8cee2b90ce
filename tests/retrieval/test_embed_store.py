"""The embedding cache: nothing is embedded twice, and vectors come back in the asked order."""

from typing import Any

import numpy as np

from hrm.core.db import Database
from hrm.retrieval.embed_store import embed_cached, embed_missing
from hrm.retrieval.embeddings import FakeEmbedder, Vectors


class CountingEmbedder(FakeEmbedder):
    name = "counting-fake-v1"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def embed(self, texts: list[str]) -> Vectors:
        self.seen.extend(texts)
        return super().embed(texts)


def test_cached_texts_are_not_embedded_again(db: Database) -> None:
    embedder = CountingEmbedder()
    texts = ["alpha skill", "beta skill", "alpha skill", "gamma"]
    with db.owner_connect() as conn:
        first = embed_cached(conn, embedder, texts)
        assert sorted(embedder.seen) == ["alpha skill", "beta skill", "gamma"]
        embedder.seen.clear()
        second = embed_cached(conn, embedder, list(reversed(texts)))
    assert embedder.seen == []
    assert first.shape == (4, 384)
    np.testing.assert_allclose(second, first[::-1], atol=1e-5)
    np.testing.assert_allclose(first[0], FakeEmbedder().embed(["alpha skill"])[0], atol=1e-5)


def test_taxonomy_is_fully_embedded_and_a_rerun_embeds_nothing(db: Database) -> None:
    embedder = CountingEmbedder()
    with db.owner_connect() as conn:
        missing: dict[str, Any] = (
            conn.execute(
                """SELECT (SELECT count(*) FROM skills WHERE embedding IS NULL AND org_id IS NULL) AS skills,
                      (SELECT count(*) FROM skill_aliases WHERE embedding IS NULL AND org_id IS NULL) AS aliases,
                      (SELECT count(*) FROM roles WHERE embedding IS NULL AND org_id IS NULL) AS roles"""
            ).fetchone()
            or {}
        )
        assert missing == {"skills": 0, "aliases": 0, "roles": 0}
        counts = embed_missing(conn, embedder)
    assert sum(counts.values()) == 0 and embedder.seen == []
