"""Typo-tolerant matching by character trigrams (the embedded Postgres ships without pg_trgm)."""

from collections.abc import Iterable


def trigrams(text: str) -> frozenset[str]:
    padded = f"  {text} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def best_matches(
    query: str, labels: Iterable[tuple[str, int]], *, threshold: float = 0.35, limit: int = 20
) -> list[tuple[int, str, float]]:
    """``labels`` are (normalised label, id); returns (id, label, similarity) best first, one per id."""
    q = trigrams(query)
    best: dict[int, tuple[str, float]] = {}
    for label, ident in labels:
        score = similarity(q, trigrams(label))
        if score >= threshold and score > best.get(ident, ("", 0.0))[1]:
            best[ident] = (label, score)
    ranked = sorted(best.items(), key=lambda item: (-item[1][1], item[1][0], item[0]))
    return [(ident, label, score) for ident, (label, score) in ranked[:limit]]
