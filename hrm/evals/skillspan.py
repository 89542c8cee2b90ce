"""Span finding on SkillSpan (Zhang et al. 2022): job-ad sentences with BIO tags for skill and
knowledge spans, against the spans the inference pipeline finds verbatim.

The pipeline's spans are its taxonomy mentions (``Vocabulary.mentions``) with the filters it applies
to prose: weak one-word aliases and denied skills are dropped. Evidence quotes are whole lines, and
semantic matches have no span of their own, so neither is scored here. Predictions are untyped, so
per-tag precision counts every prediction against that tag's spans alone.
"""

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hrm.core.db import Database
from hrm.retrieval.vocabulary import Vocabulary, vocabularies
from hrm.tools.inference.guards import negated

Span = tuple[int, int]  # token indices, end exclusive
TAGS = ("skill", "knowledge")


@dataclass(frozen=True)
class Sentence:
    tokens: list[str]
    spans: dict[str, set[Span]]  # tag -> gold spans

    @property
    def union(self) -> set[Span]:
        return set().union(*self.spans.values())


def find_data_dir(explicit: Path | None = None) -> Path | None:
    """The shared eval data folder (the one holding ``eval-dev/``), or None when it is absent."""
    candidates = [explicit] if explicit else []
    if os.environ.get("HRM_EVAL_DATA"):
        candidates.append(Path(os.environ["HRM_EVAL_DATA"]))
    candidates += [Path.cwd() / "../shared/data", Path(__file__).resolve().parents[3] / "shared" / "data"]
    return next((c.resolve() for c in candidates if (c / "eval-dev").is_dir()), None)


def skillspan_file(data_dir: Path) -> Path | None:
    path = data_dir / "eval-dev" / "skillspan_dev.json"
    return path if path.is_file() else None


def bio_spans(tags: Sequence[str]) -> set[Span]:
    """Spans of a BIO sequence; an ``I`` with no span open starts one (the data has a few)."""
    spans: set[Span] = set()
    start: int | None = None
    for index, tag in enumerate([*tags, "O"]):
        if tag == "I" and start is not None:
            continue
        if start is not None:
            spans.add((start, index))
            start = None
        if tag in ("B", "I"):
            start = index
    return spans


def load_sentences(path: Path) -> list[Sentence]:
    """One JSON object a line: ``tokens`` and ``tags_skill`` / ``tags_knowledge`` in BIO."""
    sentences = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                spans = {tag: bio_spans(row[f"tags_{tag}"]) for tag in TAGS}
                sentences.append(Sentence(list(row["tokens"]), spans))
    return sentences


def _overlaps(span: Span, others: Iterable[Span]) -> bool:
    return any(span[0] < other[1] and other[0] < span[1] for other in others)


def span_scores(pairs: Sequence[tuple[set[Span], set[Span]]]) -> dict[str, dict[str, float]]:
    """Micro strict (same boundaries) and loose (any token shared) precision, recall and F1 over
    (predicted, gold) pairs, one pair per sentence."""
    predicted = sum(len(p) for p, _ in pairs)
    gold = sum(len(g) for _, g in pairs)
    exact = sum(len(p & g) for p, g in pairs)
    loose_p = sum(sum(_overlaps(s, g) for s in p) for p, g in pairs)
    loose_r = sum(sum(_overlaps(s, p) for s in g) for p, g in pairs)

    def score(right_p: int, right_r: int) -> dict[str, float]:
        precision = right_p / predicted if predicted else 0.0
        recall = right_r / gold if gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}

    return {"strict": score(exact, exact), "loose": score(loose_p, loose_r)}


def predicted_spans(vocabulary: Vocabulary, tokens: list[str]) -> set[Span]:
    """The pipeline's mentions in a sentence, as token spans of the gold tokenisation."""
    starts, text = [], ""
    for token in tokens:
        starts.append(len(text))
        text += token + " "
    ends = [s + len(t) for s, t in zip(starts, tokens, strict=True)]
    spans: set[Span] = set()
    for mention in vocabulary.mentions(text):
        if mention.weak or negated(text, mention.start):
            continue
        first = next(i for i, end in enumerate(ends) if end > mention.start)
        last = max(i for i, start in enumerate(starts) if start < mention.end)
        spans.add((first, last + 1))
    return spans


def score_sentences(vocabulary: Vocabulary, sentences: list[Sentence]) -> dict[str, Any]:
    predictions = [predicted_spans(vocabulary, s.tokens) for s in sentences]
    result: dict[str, Any] = {
        "predicted": sum(len(p) for p in predictions),
        "gold": sum(len(s.union) for s in sentences),
        "union": span_scores([(p, s.union) for p, s in zip(predictions, sentences, strict=True)]),
    }
    for tag in TAGS:
        result[tag] = span_scores([(p, s.spans[tag]) for p, s in zip(predictions, sentences, strict=True)])
    return result


async def run_skillspan(db: Database, path: Path) -> dict[str, Any]:
    """Every sentence of the file, with the built-in vocabulary and, when imported, ESCO's."""
    sentences = load_sentences(path)
    metrics: dict[str, Any] = {"file": path.name, "sentences": len(sentences)}
    async with db.org_tx(None) as conn:
        cur = await conn.execute("SELECT DISTINCT source FROM skills WHERE org_id IS NULL AND source = 'esco'")
        taxonomies = ["builtin"] + [str(r["source"]) for r in await cur.fetchall()]
        for taxonomy in taxonomies:
            metrics[taxonomy] = score_sentences(await vocabularies.get(conn, taxonomy), sentences)
    return metrics
