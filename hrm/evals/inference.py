"""``hrm eval --suite inference``: skills inferred from CVs written for the project, against gold
skills and level bands chosen by a reviewer."""

import json
from datetime import date
from importlib import resources
from itertools import pairwise
from typing import Any

from hrm.core.db import Database
from hrm.retrieval.embeddings import Embedder
from hrm.retrieval.intake import read_document
from hrm.tools.inference.service import infer_documents

TARGET_F1 = 0.70
BANDS = {1: "low", 2: "low", 3: "mid", 4: "high", 5: "high"}
# The CVs' dates are read as of this day, so the figures do not drift with the calendar.
EVAL_DAY = date(2026, 11, 1)
_BINS = (0.0, 0.4, 0.6, 0.8, 1.01)


def _cases() -> list[dict[str, Any]]:
    folder = resources.files("hrm.evals").joinpath("data/cvs")
    gold = json.loads(folder.joinpath("gold.json").read_text(encoding="utf-8"))
    return [{**case, "bytes": folder.joinpath(case["file"]).read_bytes()} for case in gold["cvs"]]


def reliability(points: list[tuple[float, bool]]) -> tuple[list[dict[str, Any]], float]:
    """Per confidence bin: how many predictions, their mean confidence, how many were right; ECE."""
    table, ece = [], 0.0
    for low, high in pairwise(_BINS):
        members = [(c, ok) for c, ok in points if low <= c < high]
        if not members:
            continue
        mean = sum(c for c, _ in members) / len(members)
        accuracy = sum(ok for _, ok in members) / len(members)
        ece += len(members) / len(points) * abs(mean - accuracy)
        table.append({"bin": f"{low:.1f}–{min(high, 1.0):.1f}", "n": len(members), "confidence": round(mean, 3),
                      "precision": round(accuracy, 3)})  # fmt: skip
    return table, round(ece, 4)


async def run_inference_eval(db: Database, embedder: Embedder) -> dict[str, Any]:
    tp = fp = fn = band_hits = 0
    points: list[tuple[float, bool]] = []
    per_cv = []
    for case in _cases():
        document = read_document(case["bytes"], case["file"], source="cv")
        async with db.org_tx(None) as conn:
            result = await infer_documents(conn, embedder, [document], taxonomy="builtin", today=EVAL_DAY)
        gold = {g["skill"]: g["level_band"] for g in case["skills"]}
        predicted = {s.name: s for s in result.skills}
        hits = set(gold) & set(predicted)
        tp, fp, fn = tp + len(hits), fp + len(set(predicted) - hits), fn + len(set(gold) - hits)
        band_hits += sum(BANDS[predicted[name].proficiency] == gold[name] for name in hits)
        points += [(s.confidence, s.name in gold) for s in result.skills]
        per_cv.append({"file": case["file"], "gold": len(gold), "predicted": len(predicted), "correct": len(hits),
                       "missed": sorted(set(gold) - hits), "extra": sorted(set(predicted) - hits)})  # fmt: skip
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    table, ece = reliability(points)
    metrics = {
        "cvs": len(per_cv),
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "level_band_accuracy": round(band_hits / tp, 3) if tp else 0.0,
        "expected_calibration_error": ece,
        "reliability": table,
        "per_cv": per_cv,
    }
    return {"suite": "inference", "metrics": metrics, "passed": f1 >= TARGET_F1}
