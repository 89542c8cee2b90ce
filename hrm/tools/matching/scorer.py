"""The person × role scorer behind `match_roles` and `find_candidates`, vectorised.

score = 0.55 coverage + 0.20 semantic + 0.15 career + 0.10 context, every part in [0, 1]:

- coverage: requirements met, weighted by importance (essential 3, important 2, nice to have 1),
  with partial credit level/required for a lower level. Levels are integers 1..5, so
  min(level, required) = Σ_k [level ≥ k]·[required ≥ k] and the whole weighted sum is ONE sparse
  product of a people × (5·skills) indicator matrix with a roles × (5·skills) weight matrix.
- semantic: cosine of the level-weighted mean embedding of the person's skills with the
  importance-weighted mean embedding of the role's, so PostgreSQL counts toward SQL even where the
  exact requirement is not met. Negative cosines count as 0.
- career: closeness of the role to the person's current role on the transition graph (1 for a
  direct next step, decaying with typical years), 0 when unknown.
- context: share of the role's context tokens (department, location, remote) the person matches.

The weights lean on coverage because that is the part a person can verify line by line; the seed's
hybrid gives content 0.4, collaborative 0.3 (we have no interaction data), graph 0.2, context 0.1.

Totals are quantised to 1e-6 before ranking and ties go to the lower column index (callers order
columns by id), so the ranking is deterministic and identical to the loop implementation's.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.linalg import blas

Matrix = npt.NDArray[np.float64]
LEVELS = 5
QUANTUM = 1e-6


@dataclass(frozen=True)
class Weights:
    coverage: float = 0.55
    semantic: float = 0.20
    career: float = 0.15
    context: float = 0.10


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class MatchInputs:
    """Rows are people, columns roles; skills index the columns of ``levels`` and ``required``."""

    levels: sparse.csr_matrix  # people × skills, integer levels 1..5 (absent = 0)
    required: sparse.csr_matrix  # roles × skills, required level 1..5
    importance: sparse.csr_matrix  # roles × skills, importance weight, same pattern as ``required``
    skill_vectors: Matrix  # skills × d, unit rows
    career: sparse.csr_matrix  # people × roles in [0, 1], mostly zero
    person_tokens: sparse.csr_matrix  # people × context tokens, 0/1
    role_tokens: sparse.csr_matrix  # roles × context tokens, 0/1


@dataclass(frozen=True)
class Components:
    coverage: Matrix
    semantic: Matrix
    career: Matrix
    context: Matrix
    total: Matrix


def _thresholds(matrix: sparse.csr_matrix, values: sparse.csr_matrix | None = None) -> sparse.csr_matrix:
    """Stack [matrix ≥ k] for k = 1..5 side by side; with ``values``, carry those instead of 1."""
    blocks = []
    for k in range(1, LEVELS + 1):
        mask = (matrix >= k).astype(np.float64)
        blocks.append(mask.multiply(values).tocsr() if values is not None else mask)
    return sparse.hstack(blocks, format="csr")


def coverage(levels: sparse.csr_matrix, required: sparse.csr_matrix, importance: sparse.csr_matrix) -> Matrix:
    # Weight per unit of level: w / required, so that Σ_k[...] adds up to w · min(level, q) / q.
    per_unit = importance.multiply(required.power(-1.0)).tocsr()
    numerator = (_thresholds(levels) @ _thresholds(required, per_unit).T).toarray()
    totals = np.asarray(importance.sum(axis=1)).ravel()
    result: Matrix = np.divide(numerator, totals, out=np.zeros_like(numerator), where=totals > 0)
    return result


def _unit_rows(matrix: Matrix) -> Matrix:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    result: Matrix = np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)
    return result


def profile_vectors(weights: sparse.csr_matrix, skill_vectors: Matrix) -> Matrix:
    """Unit vector per row: the weighted sum of its skills' embeddings."""
    return _unit_rows(np.asarray(weights @ skill_vectors, dtype=np.float64))


def context(person_tokens: sparse.csr_matrix, role_tokens: sparse.csr_matrix) -> Matrix:
    # Few tokens (departments, locations): a dense product is cheaper than a sparse one here.
    shared = person_tokens.toarray() @ role_tokens.toarray().T
    counts = np.asarray(role_tokens.sum(axis=1)).ravel()
    result: Matrix = np.divide(shared, counts, out=np.zeros_like(shared), where=counts > 0)
    return result


def _semantic(inputs: MatchInputs, weight: float = 1.0) -> Matrix:
    """weight · max(0, cosine) of person and role profile vectors.

    cos(L_p·E, W_r·E) = L_p·(E·r̂ᵀ) / |L_p·E|: projecting the skill vectors onto the role
    directions first makes the big product sparse × dense, and folding weight/|L_p·E| into the
    sparse rows leaves only a clip on the dense result."""
    levels = inputs.levels.astype(np.float64)
    roles = profile_vectors(inputs.importance, inputs.skill_vectors)
    norms = np.linalg.norm(np.asarray(levels @ inputs.skill_vectors), axis=1)
    safe = np.where(norms > 0, norms, 1.0)
    scaled = sparse.diags(np.where(norms > 0, weight / safe, 0.0)) @ levels
    out = np.asarray(scaled @ (inputs.skill_vectors @ roles.T))
    return np.clip(out, 0.0, weight, out=out)


def _career(inputs: MatchInputs) -> Matrix:
    return np.asarray(inputs.career.toarray(), dtype=np.float64)


def score(inputs: MatchInputs, weights: Weights = DEFAULT_WEIGHTS) -> Components:
    """Every component and the total, for explaining a handful of people or roles."""
    cov = coverage(inputs.levels, inputs.required, inputs.importance)
    sem = _semantic(inputs)
    car = _career(inputs)
    ctx = context(inputs.person_tokens, inputs.role_tokens)
    total = weights.coverage * cov + weights.semantic * sem + weights.career * car + weights.context * ctx
    return Components(coverage=cov, semantic=sem, career=car, context=ctx, total=total)


def rank_keys(total: Matrix) -> Matrix:
    """Unique keys per row, larger is better: the quantised score, ties to the lower column.
    Integers held exactly in float64 (a score ≤ 1 in steps of 1e-6, times the column count, stays
    far below 2**53)."""
    columns = total.shape[1]
    keys = np.rint(total / QUANTUM)
    keys *= columns
    keys += np.arange(columns - 1, -1, -1, dtype=np.float64)
    return keys


def top_k(total: Matrix, k: int, *, exclude: npt.NDArray[np.bool_] | None = None) -> npt.NDArray[np.int64]:
    """Column indices of each row's best ``k``, best first. ``exclude`` masks cells out: they sort
    last (key -1, below every real score), so a caller asking for more than remain filters them."""
    keys = rank_keys(total)
    if exclude is not None:
        keys[exclude] = -1.0
    k = min(k, total.shape[1])
    if k == 0:
        return np.zeros((total.shape[0], 0), dtype=np.int64)
    np.negative(keys, out=keys)
    part = np.argpartition(keys, k - 1, axis=1)[:, :k]
    order = np.argsort(np.take_along_axis(keys, part, axis=1), axis=1)
    return np.take_along_axis(part, order, axis=1).astype(np.int64)


def _add_sparse(total: Matrix, part: sparse.spmatrix, weight: float) -> None:
    """total += weight · part, touching only the stored cells (career and coverage are sparse)."""
    coo = part.tocoo()
    flat = total.reshape(-1)
    # COO from a canonical CSR has no duplicate cells, so a buffered fancy-index add is exact.
    flat[coo.row.astype(np.int64) * total.shape[1] + coo.col] += weight * coo.data


@dataclass(frozen=True)
class _RoleSide:
    """Everything that depends on roles only, computed once per ranking."""

    directions: Matrix  # skills × roles: each skill's vector projected on each role's profile
    earn: sparse.csr_matrix  # (5·skills) × roles: coverage credit per level threshold
    per_token: Matrix  # tokens × roles: context credit per matching token


def _role_side(inputs: MatchInputs, weights: Weights) -> _RoleSide:
    roles = profile_vectors(inputs.importance, inputs.skill_vectors)
    # Weight per unit of level, already divided by the role's total weight.
    sums = np.asarray(inputs.importance.sum(axis=1)).ravel()
    inverse = np.where(sums > 0, weights.coverage / np.where(sums > 0, sums, 1.0), 0.0)
    per_unit = sparse.diags(inverse) @ inputs.importance.multiply(inputs.required.power(-1.0)).tocsr()
    counts = np.asarray(inputs.role_tokens.sum(axis=1)).ravel()
    token_weight = np.where(counts > 0, weights.context / np.maximum(counts, 1), 0.0)
    return _RoleSide(
        directions=inputs.skill_vectors @ roles.T,
        earn=_thresholds(inputs.required, sparse.csr_matrix(per_unit)).T.tocsr(),
        per_token=inputs.role_tokens.toarray().T * token_weight,
    )


def _rank_rows(
    inputs: MatchInputs, side: _RoleSide, rows: slice, k: int, weights: Weights, exclude: npt.NDArray[np.bool_] | None
) -> tuple[npt.NDArray[np.int64], Matrix]:
    levels = inputs.levels[rows]
    real = levels.astype(np.float64)
    profiles = np.asarray(real @ inputs.skill_vectors)
    norms = np.sqrt(np.einsum("ij,ij->i", profiles, profiles))
    safe = np.where(norms > 0, norms, 1.0)
    scaled = sparse.diags(np.where(norms > 0, weights.semantic / safe, 0.0)) @ real
    total = np.asarray(scaled @ side.directions)
    np.clip(total, 0.0, weights.semantic, out=total)
    _add_sparse(total, _thresholds(levels) @ side.earn, 1.0)
    _add_sparse(total, inputs.career[rows], weights.career)
    # Context: few tokens, added by BLAS straight into the buffer (no people × roles temporary);
    # total is C-ordered, so its transpose is the Fortran-ordered matrix dgemm updates in place.
    tokens = np.asfortranarray(inputs.person_tokens[rows].toarray().T)
    blas.dgemm(1.0, side.per_token.T, tokens, beta=1.0, c=total.T, overwrite_c=True)
    best = _best(total, k, None if exclude is None else exclude[rows])
    return best, np.take_along_axis(total, best, axis=1)


MAX_ROWS_PER_CHUNK = 8192  # bounds a chunk's people × roles buffers to a few tens of MB


def _workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def rank(
    inputs: MatchInputs,
    k: int,
    weights: Weights = DEFAULT_WEIGHTS,
    *,
    exclude: npt.NDArray[np.bool_] | None = None,
) -> tuple[npt.NDArray[np.int64], Matrix]:
    """Each row's best ``k`` columns and their totals, for whole populations at once.

    The same order as ``top_k(score(inputs).total, k)``. The role side is computed once; people go
    through in one chunk per core, each with one dense people × roles buffer: the semantic product
    is written into it, the sparse parts are added only where they are non-zero, context by BLAS."""
    side = _role_side(inputs, weights)
    people = inputs.levels.shape[0]
    workers = _workers()
    size = min(MAX_ROWS_PER_CHUNK, max(1, -(-people // workers)))
    chunks = [slice(start, min(start + size, people)) for start in range(0, people, size)]
    # The sparse and dense kernels release the GIL, so chunks on threads use every core.
    with ThreadPoolExecutor(max_workers=min(workers, max(1, len(chunks)))) as pool:
        parts = list(pool.map(lambda rows: _rank_rows(inputs, side, rows, k, weights, exclude), chunks))
    if not parts:
        columns = min(k, inputs.required.shape[0])
        return np.zeros((0, columns), dtype=np.int64), np.zeros((0, columns))
    return np.vstack([p[0] for p in parts]), np.vstack([p[1] for p in parts])


def _best(total: Matrix, k: int, exclude: npt.NDArray[np.bool_] | None) -> npt.NDArray[np.int64]:
    """Best ``k`` columns per row by quantised score, ties to the lower column. The partition runs
    on the raw floats with a margin; only rows whose quantised tie could cross the margin are
    ranked again with exact keys."""
    rows, columns = total.shape
    k = min(k, columns)
    if k == 0:
        return np.zeros((rows, 0), dtype=np.int64)
    work = total
    if exclude is not None:
        work = total.copy()
        work[exclude] = -np.inf
    margin = min(columns, k + 8)
    if margin < columns:
        # Position ``cut`` placed: after it the candidates (the largest), at it the best score left
        # outside; partitioning for the largest saves negating the whole buffer.
        cut = columns - margin - 1
        split = np.argpartition(work, cut, axis=1)
        part, outside_at = split[:, cut + 1 :], split[:, cut : cut + 1]
    else:
        part = np.tile(np.arange(columns), (rows, 1))
    cand = np.take_along_axis(total, part, axis=1)
    keys = np.rint(cand / QUANTUM) * columns + (columns - 1 - part)
    if exclude is not None:
        keys[np.take_along_axis(exclude, part, axis=1)] = -1.0
    order = np.argsort(-keys, axis=1)
    best = np.take_along_axis(part, order[:, :k], axis=1).astype(np.int64)
    if margin < columns:
        # A row is safe when its k-th quantised score is above the best score left outside.
        kth = np.take_along_axis(np.rint(cand / QUANTUM), order[:, k - 1 : k], axis=1).ravel()
        outside = np.rint(np.take_along_axis(total, outside_at, axis=1).ravel() / QUANTUM)
        unsafe = np.flatnonzero(kth <= outside)
        if len(unsafe):
            best[unsafe] = top_k(total[unsafe], k, exclude=None if exclude is None else exclude[unsafe])
    return best
