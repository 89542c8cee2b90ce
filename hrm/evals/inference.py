"""``hrm eval --suite inference``: skills inferred from CVs written for the project, against gold
skills and level bands from two independent reviews (the protocol is in ``data/cvs/gold.json``).

Beside the built-in taxonomy figures, the suite scores the same CVs against ESCO when the database
holds it (``inference_esco``), and span finding on SkillSpan when the shared eval data is present
(``skillspan``).
"""

import json
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from itertools import pairwise
from pathlib import Path
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


@dataclass(frozen=True)
class Case:
    file: str
    content: bytes
    gold: dict[str, str]  # skill name -> level band
    review: dict[str, str]  # skill name -> which review recorded it (first, second)


def load_gold(path: Path | None = None) -> dict[str, Any]:
    """The gold file shipped with the package, or another one (an older revision, for comparison)."""
    if path is not None:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    folder = resources.files("hrm.evals").joinpath("data/cvs")
    return dict(json.loads(folder.joinpath("gold.json").read_text(encoding="utf-8")))


def load_cases(gold: dict[str, Any]) -> list[Case]:
    folder = resources.files("hrm.evals").joinpath("data/cvs")
    return [
        Case(
            file=case["file"],
            content=folder.joinpath(case["file"]).read_bytes(),
            gold={g["skill"]: g["level_band"] for g in case["skills"]},
            review={g["skill"]: g.get("review", "first") for g in case["skills"]},
        )
        for case in gold["cvs"]
    ]


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Micro precision, recall and F1 from counts (0.0 where undefined)."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


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


@dataclass
class Tally:
    """Counts summed over CVs (micro averaging)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    band_hits: int = 0
    found_by_review: dict[str, list[int]] = field(default_factory=dict)  # review -> [found, total]

    def add(self, gold: dict[str, str], predicted: dict[str, int], review: dict[str, str]) -> set[str]:
        """Score one CV: ``predicted`` maps skill names to proficiency levels. Returns the hits."""
        hits = set(gold) & set(predicted)
        self.tp += len(hits)
        self.fp += len(set(predicted) - hits)
        self.fn += len(set(gold) - hits)
        self.band_hits += sum(BANDS[predicted[name]] == gold[name] for name in hits)
        for name in gold:
            counts = self.found_by_review.setdefault(review.get(name, "first"), [0, 0])
            counts[0] += name in hits
            counts[1] += 1
        return hits

    def metrics(self) -> dict[str, Any]:
        precision, recall, f1 = prf(self.tp, self.fp, self.fn)
        return {
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "f1": round(f1, 3),
            "level_band_accuracy": round(self.band_hits / self.tp, 3) if self.tp else 0.0,
            "gold_skills": self.tp + self.fn,
            "recall_by_review": {k: round(f / t, 3) for k, (f, t) in sorted(self.found_by_review.items()) if t},
        }


async def score_builtin(db: Database, embedder: Embedder, cases: list[Case]) -> dict[str, Any]:
    tally = Tally()
    points: list[tuple[float, bool]] = []
    per_cv = []
    for case in cases:
        document = read_document(case.content, case.file, source="cv")
        async with db.org_tx(None) as conn:
            result = await infer_documents(conn, embedder, [document], taxonomy="builtin", today=EVAL_DAY)
        predicted = {s.name: s.proficiency for s in result.skills}
        hits = tally.add(case.gold, predicted, case.review)
        points += [(s.confidence, s.name in case.gold) for s in result.skills]
        per_cv.append({"file": case.file, "gold": len(case.gold), "predicted": len(predicted), "correct": len(hits),
                       "missed": sorted(set(case.gold) - hits), "extra": sorted(set(predicted) - hits)})  # fmt: skip
    table, ece = reliability(points)
    return {
        "cvs": len(per_cv),
        **tally.metrics(),
        "expected_calibration_error": ece,
        "reliability": table,
        "per_cv": per_cv,
    }


async def run_inference_eval(
    db: Database, embedder: Embedder, *, gold_path: Path | None = None, data_dir: Path | None = None
) -> dict[str, Any]:
    """The suite's result. ``gold_path`` swaps in another gold file; ``data_dir`` is the shared eval
    data folder (holding ``eval-dev/``), for the SkillSpan figures when present."""
    from hrm.evals.inference_esco import esco_available, score_esco
    from hrm.evals.skillspan import run_skillspan, skillspan_file

    cases = load_cases(load_gold(gold_path))
    metrics = await score_builtin(db, embedder, cases)
    if await esco_available(db):
        metrics["esco"] = await score_esco(db, embedder, cases)
    spans = skillspan_file(data_dir) if data_dir else None
    if spans is not None:
        metrics["skillspan"] = await run_skillspan(db, spans)
    return {"suite": "inference", "metrics": metrics, "passed": metrics["f1"] >= TARGET_F1}
