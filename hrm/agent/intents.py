"""Intent vote by nearest labelled examples in embedding space.

The keyword rules in ``rules.py`` give precision; this vote gives recall on paraphrases, typos and
phrasings nobody wrote a rule for. Examples live in ``hrm/data/intents.json`` and are embedded once
per process and embedder.
"""

import json
import threading
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from hrm.retrieval.embeddings import Embedder, Vectors

TOP_K = 5
# Below this similarity to the nearest example, or this share of the vote, the planner asks.
MIN_SIMILARITY = 0.35
MIN_SHARE = 0.4


@dataclass(frozen=True)
class Vote:
    intent: str
    similarity: float  # to the nearest example of that intent
    share: float  # of the top-k neighbours' similarity mass
    runner_up: str | None

    @property
    def confident(self) -> bool:
        return self.similarity >= MIN_SIMILARITY and self.share >= MIN_SHARE


@cache
def examples() -> tuple[tuple[str, str], ...]:
    """(intent, example) pairs from the packaged file."""
    raw = json.loads(resources.files("hrm.data").joinpath("intents.json").read_text(encoding="utf-8"))
    return tuple((intent, text) for intent, texts in raw.items() if not intent.startswith("_") for text in texts)


class IntentClassifier:
    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self._labels = [intent for intent, _ in examples()]
        self._vectors: Vectors = embedder.embed([text for _, text in examples()])

    def vote(self, text: str) -> Vote:
        query = self.embedder.embed([text])[0]
        sims = self._vectors @ query
        order = np.argsort(-sims)[:TOP_K]
        mass: dict[str, float] = {}
        best: dict[str, float] = {}
        for i in order:
            label, sim = self._labels[int(i)], max(float(sims[int(i)]), 0.0)
            mass[label] = mass.get(label, 0.0) + sim
            best[label] = max(best.get(label, 0.0), sim)
        ranked = sorted(mass, key=lambda k: (-mass[k], -best[k]))
        total = sum(mass.values()) or 1.0
        top = ranked[0]
        return Vote(top, best[top], mass[top] / total, ranked[1] if len(ranked) > 1 else None)


_lock = threading.Lock()
_classifiers: dict[str, IntentClassifier] = {}


def classifier_for(embedder: Embedder) -> IntentClassifier:
    """One classifier per embedder model and process: the examples are embedded once."""
    with _lock:
        found = _classifiers.get(embedder.name)
        if found is None:
            found = _classifiers[embedder.name] = IntentClassifier(embedder)
        return found
