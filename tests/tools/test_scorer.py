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


@pytest.mark.parametrize(("seed", "values"), [(5, 12), (6, 12), (7, 3)])
def test_top_k_matches_the_loop_ranking_where_scores_tie(seed: int, values: int) -> None:
    # Scores from a few values, some a hair apart: below single precision's resolution (ties at the
    # candidate threshold), or within one quantum, where the raw order and the tie to the lower
    # column disagree (a tie reaching past the candidates).
    rng = np.random.default_rng(seed)
    total = rng.integers(0, values, (300, 60)) / (values - 1) + rng.choice([0.0, 3e-9, 4e-7, 6e-7], (300, 60))
    exclude = rng.random((300, 60)) < 0.1
    expected = rank_loop(total.tolist(), 10)
    assert top_k(total, 10).tolist() == expected
    kept = top_k(total, 10, exclude=exclude)
    loop_kept = rank_loop(np.where(exclude, -1.0, total).tolist(), 10)
    assert kept.tolist() == loop_kept


def test_top_k_with_few_cells_left_after_exclusions() -> None:
    rng = np.random.default_rng(8)
    total = rng.random((20, 40))
    exclude = np.ones((20, 40), dtype=bool)
    exclude[:, [3, 17, 29]] = False  # three cells left of forty, asking for five
    best = top_k(total, 5, exclude=exclude)
    assert [sorted(row[:3]) for row in best.tolist()] == [[3, 17, 29]] * 20
    assert exclude[np.arange(20)[:, None], best[:, 3:]].all()


def test_rank_matches_the_loop_with_duplicate_roles() -> None:
    # Every role four times over: each person's scores tie in groups of four, ties to the lower id.
    base = synthetic_inputs(people=80, roles=12, skills=90, seed=9)
    repeat = np.repeat(np.arange(12), 4)
    inputs = MatchInputs(
        levels=base.levels,
        required=base.required[repeat],
        importance=base.importance[repeat],
        skill_vectors=base.skill_vectors,
        career=base.career[:, repeat],
        person_tokens=base.person_tokens,
        role_tokens=base.role_tokens[repeat],
    )
    best, _ = rank(inputs, 10)
    assert best.tolist() == rank_loop(score_loop(inputs), 10)


def test_levels_outside_one_to_five_are_read_as_the_scale_allows() -> None:
    # One role needing skill 0 at level 4: level 7 counts as 5 (full credit), 0.5 as not held,
    # 2.9 as 2 (levels are whole steps of the scale).
    inputs = _inputs([[7, 0], [0.5, 0], [2.9, 0]], [[4, 0]], [[3, 0]])
    got = coverage(inputs.levels, inputs.required, inputs.importance)[:, 0]
    assert got == pytest.approx([1.0, 0.0, 0.5])
