"""The inference eval against ESCO: the same CVs run with ``taxonomy="esco"``, scored against the
gold mapped to ESCO concept URIs (``data/cvs/gold_esco.json``).

A gold skill with no ESCO equivalent is left out of the scoring and counted. Recall is over the
mapped gold skills (found when any of their URIs is predicted); precision is over predicted ESCO
concepts (right when the URI belongs to a mapped gold skill of that CV), so a right prediction for an
unmapped gold skill counts against precision.
"""

import json
from importlib import resources
from typing import Any

from hrm.core.db import Database
from hrm.evals.inference import BANDS, EVAL_DAY, Case
from hrm.retrieval.embeddings import Embedder
from hrm.retrieval.intake import read_document
from hrm.tools.inference.service import infer_documents


def load_esco_map() -> dict[str, list[str]]:
    """Built-in gold skill name -> ESCO concept URIs (empty: no ESCO equivalent)."""
    folder = resources.files("hrm.evals").joinpath("data/cvs")
    document = json.loads(folder.joinpath("gold_esco.json").read_text(encoding="utf-8"))
    return {name: list(uris) for name, uris in document["skills"].items()}


async def esco_available(db: Database) -> bool:
    async with db.org_tx(None) as conn:
        cur = await conn.execute("SELECT EXISTS (SELECT 1 FROM skills WHERE source = 'esco' AND org_id IS NULL) AS ok")
        row = await cur.fetchone()
    return bool(row and row["ok"])


async def score_esco(db: Database, embedder: Embedder, cases: list[Case]) -> dict[str, Any]:
    mapping = load_esco_map()
    tp = fp = found = total = band_hits = unmapped = 0
    per_cv = []
    for case in cases:
        gold = {name: set(mapping.get(name, [])) for name in case.gold}
        mapped = {name: uris for name, uris in gold.items() if uris}
        unmapped += len(gold) - len(mapped)
        document = read_document(case.content, case.file, source="cv")
        async with db.org_tx(None) as conn:
            result = await infer_documents(conn, embedder, [document], taxonomy="esco", today=EVAL_DAY)
            cur = await conn.execute(
                "SELECT id, external_id FROM skills WHERE id = ANY(%s)", ([s.skill_id for s in result.skills],)
            )
            uri_of = {int(r["id"]): str(r["external_id"]) for r in await cur.fetchall()}
        # Best first, so a gold skill's band is judged on its most confident match.
        predicted = [(uri_of[s.skill_id], s.proficiency) for s in result.skills if s.skill_id in uri_of]
        wanted = set().union(*mapped.values()) if mapped else set()
        right = sum(uri in wanted for uri, _ in predicted)
        tp, fp = tp + right, fp + len(predicted) - right
        hits = 0
        for name, uris in mapped.items():
            level = next((lvl for uri, lvl in predicted if uri in uris), None)
            if level is not None:
                hits += 1
                band_hits += BANDS[level] == case.gold[name]
        found, total = found + hits, total + len(mapped)
        per_cv.append({"file": case.file, "gold_mapped": len(mapped), "found": hits, "predicted": len(predicted),
                       "correct_predictions": right})  # fmt: skip
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = found / total if total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "level_band_accuracy": round(band_hits / found, 3) if found else 0.0,
        "gold_mapped": total,
        "gold_unmapped": unmapped,
        "per_cv": per_cv,
    }
