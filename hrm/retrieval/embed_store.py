"""Embeddings in Postgres: a cache keyed by (model, text) so nothing is embedded twice, and a pass
that fills every missing skill, alias, role and role-alias vector of the shared taxonomy."""

import hashlib
from collections.abc import Callable
from typing import Any

import numpy as np
import psycopg

from hrm.retrieval.embeddings import Embedder, Vectors, from_pgvector, to_pgvector

# (stage, done, total): the CLI draws a progress bar from it; the retrieval layer never prints.
Progress = Callable[[str, int, int], None]

BATCH = 256


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _parse(value: str) -> list[float]:
    return [float(x) for x in from_pgvector(value)]


def embed_cached(
    conn: psycopg.Connection[Any],
    embedder: Embedder,
    texts: list[str],
    *,
    stage: str = "embedding",
    progress: Progress | None = None,
) -> Vectors:
    """Vectors for ``texts`` (in order), computing only those not already cached for this model."""
    unique = list(dict.fromkeys(texts))
    keys = [text_key(t) for t in unique]
    found: dict[str, list[float]] = {}
    for start in range(0, len(keys), 5000):
        rows = conn.execute(
            "SELECT text_sha256, embedding::text AS v FROM embedding_cache WHERE model = %s AND text_sha256 = ANY(%s)",
            (embedder.name, keys[start : start + 5000]),
        ).fetchall()
        found.update({row["text_sha256"]: _parse(row["v"]) for row in rows})
    # Sorted by length, so each batch pads to similar lengths (a large share of CPU time otherwise).
    missing = sorted(((k, t) for k, t in zip(keys, unique, strict=True) if k not in found), key=lambda kt: len(kt[1]))
    for start in range(0, len(missing), BATCH):
        chunk = missing[start : start + BATCH]
        vectors = embedder.embed([t for _, t in chunk])
        with conn.cursor() as cur:
            cur.executemany(
                """INSERT INTO embedding_cache (model, text_sha256, embedding) VALUES (%s, %s, %s::vector)
                   ON CONFLICT DO NOTHING""",
                [(embedder.name, k, to_pgvector(v)) for (k, _), v in zip(chunk, vectors, strict=True)],
            )
        conn.commit()  # a long first import keeps what it computed if interrupted
        found.update({k: v.tolist() for (k, _), v in zip(chunk, vectors, strict=True)})
        if progress:
            progress(stage, min(start + BATCH, len(missing)), len(missing))
    by_text = {t: found[k] for k, t in zip(keys, unique, strict=True)}
    if not texts:
        return np.zeros((0, embedder.dimensions), dtype=np.float32)
    return np.asarray([by_text[t] for t in texts], dtype=np.float32)


def skill_text(name: str, description: str) -> str:
    """What a skill's own vector encodes: its name, sharpened by the description."""
    return f"{name}. {description}".strip() if description else name


# table, its HNSW index, SQL for the text of each shared row missing a vector
_TARGETS: tuple[tuple[str, str, str], ...] = (
    (
        "skills",
        "skills_embedding",
        "SELECT id, name, description FROM skills WHERE embedding IS NULL AND org_id IS NULL",
    ),
    (
        "skill_aliases",
        "skill_aliases_embedding",
        "SELECT id, alias AS name, '' AS description FROM skill_aliases WHERE embedding IS NULL AND org_id IS NULL",
    ),
    (
        "roles",
        "roles_embedding",
        "SELECT id, title AS name, description FROM roles WHERE embedding IS NULL AND org_id IS NULL",
    ),
    (
        "role_aliases",
        "role_aliases_embedding",
        "SELECT id, alias AS name, '' AS description FROM role_aliases WHERE embedding IS NULL AND org_id IS NULL",
    ),
)
# Past this many rows, building the HNSW index once beats inserting every vector into it (the
# pgvector advice for bulk loads): an ESCO import writes about 100,000 alias vectors.
REBUILD_INDEX_AT = 5000


def embed_missing(
    conn: psycopg.Connection[Any], embedder: Embedder, *, progress: Progress | None = None
) -> dict[str, int]:
    """Fill the vectors the shared taxonomy lacks (schema owner's connection); returns counts."""
    counts: dict[str, int] = {}
    for table, index, select in _TARGETS:
        rows = conn.execute(select).fetchall()
        counts[table] = len(rows)
        if not rows:
            continue
        texts = [skill_text(r["name"], r["description"]) if table in ("skills", "roles") else r["name"] for r in rows]
        vectors = embed_cached(conn, embedder, texts, stage=table, progress=progress)
        _write_vectors(conn, table, index, [int(r["id"]) for r in rows], vectors)
    return counts


def _write_vectors(conn: psycopg.Connection[Any], table: str, index: str, ids: list[int], vectors: Vectors) -> None:
    rebuild = len(ids) >= REBUILD_INDEX_AT
    with conn.transaction():
        if rebuild:
            conn.execute(f"DROP INDEX IF EXISTS {index}")
        conn.execute("CREATE TEMP TABLE new_vectors (id bigint PRIMARY KEY, embedding vector(384)) ON COMMIT DROP")
        with conn.cursor() as cur, cur.copy("COPY new_vectors (id, embedding) FROM STDIN") as copy:
            for ident, vector in zip(ids, vectors, strict=True):
                copy.write_row((ident, to_pgvector(vector)))
        conn.execute(f"UPDATE {table} t SET embedding = n.embedding FROM new_vectors n WHERE t.id = n.id")
        if rebuild:
            conn.execute("SET LOCAL maintenance_work_mem = '1GB'")
            conn.execute(f"CREATE INDEX {index} ON {table} USING hnsw (embedding vector_cosine_ops)")
