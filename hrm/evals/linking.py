"""``hrm bench --suite linking``: the Decorte skill-linking benchmark on ESCO, against a TF-IDF
baseline computed in the same run, plus batch throughput."""

import csv
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hrm.core.db import Database
from hrm.core.errors import ConfigurationError
from hrm.evals.metrics import summarise
from hrm.evals.tfidf import TfidfLinker
from hrm.retrieval.embeddings import Embedder
from hrm.retrieval.hybrid import link_skills

SPLITS = ("tech", "house")
NON_LINKS = {"LABEL NOT PRESENT", "UNDERSPECIFIED"}
# The published test-split anchors and the target over the baseline, for the report.
TARGET_POINTS_OVER_BASELINE = 8.0


@dataclass
class Query:
    sentence: str
    gold: set[int]


def load_split(path: Path, label_ids: dict[str, int]) -> tuple[list[Query], int]:
    """Queries (sentences with at least one real gold label) and how many gold labels ESCO lacked."""
    by_sentence: dict[str, set[str]] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            by_sentence.setdefault(row["sentence"], set()).add(row["label"])
    queries, unknown = [], 0
    for sentence, labels in by_sentence.items():
        real = labels - NON_LINKS
        unknown += sum(1 for label in real if label not in label_ids)
        gold = {label_ids[label] for label in real if label in label_ids}
        if gold:
            queries.append(Query(sentence, gold))
    return queries, unknown


def _esco_labels(db: Database) -> dict[str, int]:
    with db.owner_connect() as conn:
        rows = conn.execute("SELECT id, name FROM skills WHERE source = 'esco' AND org_id IS NULL").fetchall()
    if not rows:
        raise ConfigurationError("the linking benchmark needs ESCO: run `hrm taxonomy import esco DIR` first")
    return {row["name"]: row["id"] for row in rows}


async def run_linking(db: Database, embedder: Embedder, data_dir: Path) -> dict[str, Any]:
    label_ids = _esco_labels(db)
    with db.owner_connect() as conn:
        baseline = TfidfLinker.from_connection(conn, "esco")
    metrics: dict[str, Any] = {}
    total_sentences, total_seconds = 0, 0.0
    for split in SPLITS:
        path = data_dir / "eval-dev" / f"decorte_{split}_validation.csv"
        if not path.is_file():
            raise ConfigurationError(f"missing benchmark file {path}")
        queries, unknown = load_split(path, label_ids)
        texts = [q.sentence for q in queries]
        embedder.embed(texts[:1])  # load the model outside the timed part
        started = time.perf_counter()
        async with db.org_tx(None) as conn:
            ranked = await link_skills(conn, embedder, texts, taxonomy="esco", top_k=10)
        elapsed = time.perf_counter() - started
        total_sentences += len(texts)
        total_seconds += elapsed
        ours = summarise([([r.skill_id for r in rs], q.gold) for rs, q in zip(ranked, queries, strict=True)])
        base = summarise(list(zip(baseline.rank(texts), [q.gold for q in queries], strict=True)))
        metrics[split] = {
            "hybrid": ours,
            "tfidf": base,
            "rp5_over_baseline": round(ours["rp5"] - base["rp5"], 2),
            "gold_labels_missing_from_esco": unknown,
        }
    metrics["sentences_per_second"] = round(total_sentences / total_seconds, 1) if total_seconds else 0.0
    passed = all(metrics[s]["rp5_over_baseline"] >= TARGET_POINTS_OVER_BASELINE for s in SPLITS)
    return {"suite": "linking", "metrics": metrics, "passed": passed}
