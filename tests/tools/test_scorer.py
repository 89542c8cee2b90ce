"""The vectorised scorer against its definition and against the loop implementation."""

import numpy as np
import pytest
from scipy import sparse

from hrm.evals.matching_bench import synthetic_inputs
from hrm.tools.matching.reference import rank_loop, score_loop
from hrm.tools.matching.scorer import MatchInputs, coverage, rank, score, top_k


def _inputs(levels: list[list[float]], required: list[list[float]], importance: list[list[float]]) -> MatchInputs:
    people, roles = len(levels), len(required)
    vectors = np.eye(len(levels[0]), 384)
    return MatchInputs(
        levels=sparse.csr_matrix(np.array(levels)),
        required=sparse.csr_matrix(np.array(required)),
        importance=sparse.csr_matrix(np.array(importance)),
        skill_vectors=vectors,
        career=sparse.csr_matrix((people, roles)),
        person_tokens=sparse.csr_matrix((people, 1)),
        role_tokens=sparse.csr_matrix((roles, 1)),
    )


def test_coverage_gives_partial_credit_weighted_by_importance() -> None:
    # One role: skill 0 essential (3) at level 4, skill 1 nice to have (1) at level 2.
    inputs = _inputs([[2, 2], [4, 0], [5, 5]], [[4, 2]], [[3, 1]])
    got = coverage(inputs.levels, inputs.required, inputs.importance)[:, 0]
    assert got == pytest.approx([(3 * 2 / 4 + 1) / 4, 3 / 4, 1.0])


def test_semantic_part_counts_related_skills() -> None:
    # Skill 1 points almost the same way as skill 0 (think PostgreSQL and SQL); skill 2 does not.
    vectors = np.zeros((3, 384))
    vectors[0, 0] = 1.0
    vectors[1, :2] = [0.95, np.sqrt(1 - 0.95**2)]
    vectors[2, 2] = 1.0
    base = _inputs([[0, 3, 0], [0, 0, 3]], [[3, 0, 0]], [[3, 0, 0]])
    inputs = MatchInputs(**{**base.__dict__, "skill_vectors": vectors})
    parts = score(inputs)
    assert parts.coverage[:, 0].tolist() == [0.0, 0.0]
    assert parts.semantic[0, 0] == pytest.approx(0.95)
    assert parts.semantic[1, 0] == pytest.approx(0.0)


def test_ties_go_to_the_lower_column_deterministically() -> None:
    total = np.array([[0.5, 0.7, 0.5, 0.7, 0.1]])
    assert top_k(total, 4).tolist() == [[1, 3, 0, 2]]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_vectorised_and_loop_rankings_are_identical(seed: int) -> None:
    inputs = synthetic_inputs(people=60, roles=40, skills=120, seed=seed)
    totals = score_loop(inputs)
    vectorised = score(inputs).total
    assert np.allclose(np.array(totals), vectorised, atol=1e-12)
    expected = rank_loop(totals, 10)
    assert top_k(vectorised, 10).tolist() == expected
    best, values = rank(inputs, 10)
    assert best.tolist() == expected
    assert np.allclose(values, np.take_along_axis(vectorised, best, axis=1))


def test_rank_honours_exclusions() -> None:
    inputs = synthetic_inputs(people=30, roles=25, skills=80, seed=4)
    exclude = np.zeros((30, 25), dtype=bool)
    exclude[:, ::2] = True
    best, _ = rank(inputs, 5, exclude=exclude)
    assert not exclude[np.arange(30)[:, None], best].any()
    assert best.tolist() == top_k(score(inputs).total, 5, exclude=exclude).tolist()
