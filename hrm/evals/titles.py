"""``hrm bench --suite titles``: job-title normalisation on titles written for the project, as
people type them (abbreviations, levels, locations in brackets), against the built-in catalogue."""

import json
import time
from importlib import resources
from typing import Any

from hrm.core.db import Database
from hrm.retrieval.embeddings import Embedder
from hrm.retrieval.hybrid import normalize_titles

TARGET_TOP5 = 90.0


def load_titles() -> list[dict[str, Any]]:
    text = resources.files("hrm.evals").joinpath("data/titles.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


async def run_titles(db: Database, embedder: Embedder) -> dict[str, Any]:
    cases = load_titles()
    embedder.embed(["warm-up"])
    started = time.perf_counter()
    async with db.org_tx(None) as conn:
        ranked = await normalize_titles(conn, embedder, [c["title"] for c in cases], taxonomy="builtin", top_k=5)
    elapsed = time.perf_counter() - started
    top1 = top5 = 0
    misses = []
    for case, roles in zip(cases, ranked, strict=True):
        codes = [r.external_id for r in roles]
        expected = set(case["expected"])
        top1 += bool(codes[:1] and codes[0] in expected)
        hit5 = bool(expected & set(codes[:5]))
        top5 += hit5
        if not hit5:
            misses.append({"title": case["title"], "expected": case["expected"], "got": codes[:3]})
    n = len(cases)
    accuracy_at_5 = round(100 * top5 / n, 1)
    metrics: dict[str, Any] = {
        "titles": n,
        "accuracy_at_1": round(100 * top1 / n, 1),
        "accuracy_at_5": accuracy_at_5,
        "titles_per_second": round(n / elapsed, 1),
        "misses": misses,
    }
    return {"suite": "titles", "metrics": metrics, "passed": accuracy_at_5 >= TARGET_TOP5}
