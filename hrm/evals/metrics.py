"""Ranking metrics of the skill-linking literature (Decorte et al. 2023)."""

from collections.abc import Sequence


def r_precision_at(ranked: Sequence[int], gold: set[int], k: int) -> float:
    """Share of the gold items in the top k, where k shrinks to the number of gold items."""
    if not gold:
        raise ValueError("a query needs at least one gold item")
    cutoff = min(k, len(gold))
    return len(set(ranked[:k]) & gold) / cutoff


def reciprocal_rank(ranked: Sequence[int], gold: set[int]) -> float:
    for rank, item in enumerate(ranked, start=1):
        if item in gold:
            return 1.0 / rank
    return 0.0


def summarise(runs: list[tuple[Sequence[int], set[int]]]) -> dict[str, float]:
    """RP@5, RP@10 and MRR (in percent, as the papers report them) over queries."""
    n = len(runs)
    if n == 0:
        return {"rp5": 0.0, "rp10": 0.0, "mrr": 0.0, "queries": 0}
    return {
        "rp5": round(100 * sum(r_precision_at(r, g, 5) for r, g in runs) / n, 2),
        "rp10": round(100 * sum(r_precision_at(r, g, 10) for r, g in runs) / n, 2),
        "mrr": round(100 * sum(reciprocal_rank(r, g) for r, g in runs) / n, 2),
        "queries": n,
    }
