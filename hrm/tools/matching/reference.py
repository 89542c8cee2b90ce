"""The same scorer written as plain Python loops, one person and one role at a time.

It is the yardstick `hrm bench --suite matching` measures the vectorised scorer against (and the
tests check both give identical rankings), so it follows the definition in scorer.py literally
rather than cleverly: per pair, walk the role's requirements; embeddings are summed per profile.
"""

import numpy as np
from scipy import sparse

from hrm.tools.matching.scorer import DEFAULT_WEIGHTS, QUANTUM, MatchInputs, Matrix, Weights


def _rows(matrix: sparse.csr_matrix) -> list[dict[int, float]]:
    return [
        dict(zip(matrix.indices[start:end].tolist(), matrix.data[start:end].tolist(), strict=True))
        for start, end in zip(matrix.indptr[:-1], matrix.indptr[1:], strict=True)
    ]


def _profile(weights: dict[int, float], skill_vectors: Matrix) -> Matrix:
    vector = np.zeros(skill_vectors.shape[1])
    for skill, weight in weights.items():
        vector += weight * skill_vectors[skill]
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


def score_loop(inputs: MatchInputs, weights: Weights = DEFAULT_WEIGHTS) -> list[list[float]]:
    people = _rows(inputs.levels)
    required = _rows(inputs.required)
    importance = _rows(inputs.importance)
    person_tokens = [set(row) for row in _rows(inputs.person_tokens)]
    role_tokens = [set(row) for row in _rows(inputs.role_tokens)]
    career = inputs.career.toarray()
    role_vectors = [_profile(row, inputs.skill_vectors) for row in importance]
    totals = []
    for p, levels in enumerate(people):
        person_vector = _profile(levels, inputs.skill_vectors)
        row = []
        for r, needs in enumerate(required):
            earned = total_weight = 0.0
            for skill, level_needed in needs.items():
                weight = importance[r][skill]
                total_weight += weight
                earned += weight * min(levels.get(skill, 0.0), level_needed) / level_needed
            cov = earned / total_weight if total_weight else 0.0
            sem = min(max(float(np.dot(person_vector, role_vectors[r])), 0.0), 1.0)
            tokens = role_tokens[r]
            ctx = len(person_tokens[p] & tokens) / len(tokens) if tokens else 0.0
            row.append(
                weights.coverage * cov
                + weights.semantic * sem
                + weights.career * float(career[p, r])
                + weights.context * ctx
            )
        totals.append(row)
    return totals


def rank_loop(totals: list[list[float]], k: int) -> list[list[int]]:
    """Each row's best ``k`` columns: quantised score descending, then the lower column."""
    return [sorted(range(len(row)), key=lambda c: (-round(row[c] / QUANTUM), c))[:k] for row in totals]
