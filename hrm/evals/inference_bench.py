"""``hrm bench --suite inference``: CVs per second through the whole inference pipeline, over 200
CVs in one process, beside the raw throughput of the skill linker on the same CVs' lines."""

import time
from typing import Any

from hrm.core.db import Database
from hrm.evals.inference import EVAL_DAY, load_cases, load_gold
from hrm.retrieval.embeddings import Embedder
from hrm.retrieval.hybrid import link_skills
from hrm.retrieval.intake import read_document
from hrm.tools.inference.service import infer_documents

CVS = 200


async def run_inference_bench(db: Database, embedder: Embedder, cvs: int = CVS) -> dict[str, Any]:
    cases = load_cases(load_gold())
    # Each copy gets its own first line, so no cache can answer a repeat.
    documents = [
        read_document(f"Candidate {i}\n".encode() + cases[i % len(cases)].content, f"cv{i}.txt", source="cv")
        for i in range(cvs)
    ]
    embedder.embed(["warm-up"])
    async with db.org_tx(None) as conn:
        await infer_documents(conn, embedder, documents[:1], taxonomy="builtin", today=EVAL_DAY)  # caches built
    started = time.perf_counter()
    skills = 0
    for document in documents:
        async with db.org_tx(None) as conn:
            result = await infer_documents(conn, embedder, [document], taxonomy="builtin", today=EVAL_DAY)
        skills += len(result.skills)
    pipeline = time.perf_counter() - started
    lines = [line.strip() for d in documents[: len(cases)] for line in d.text.splitlines() if len(line.strip()) >= 25]
    started = time.perf_counter()
    async with db.org_tx(None) as conn:
        await link_skills(conn, embedder, lines, taxonomy="builtin", top_k=10)
    linker = time.perf_counter() - started
    cvs_per_second = cvs / pipeline
    sentences_per_second = len(lines) / linker
    lines_per_cv = len(lines) / len(cases)
    metrics = {
        "cvs": cvs,
        "cvs_per_second": round(cvs_per_second, 2),
        "skills_per_cv": round(skills / cvs, 1),
        "linker_sentences_per_second": round(sentences_per_second, 1),
        "lines_per_cv": round(lines_per_cv, 1),
        # Pipeline time per CV against linking that CV's lines alone: the cost of everything else.
        "pipeline_vs_linker": round((1 / cvs_per_second) / (lines_per_cv / sentences_per_second), 2),
    }
    return {"suite": "inference", "metrics": metrics, "passed": True}
