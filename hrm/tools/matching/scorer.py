"""The person × role scorer behind `match_roles` and `find_candidates`, vectorised.

score = 0.55 coverage + 0.20 semantic + 0.15 career + 0.10 context, every part in [0, 1]:

- coverage: requirements met, weighted by importance (essential 3, important 2, nice to have 1),
  with partial credit level/required for a lower level. Levels are integers 1..5, so a person's
  level of a skill is one column of five, and the whole weighted sum is ONE sparse product of a
  people × (5·skills) one-hot matrix (as many entries as the person has skills) with a
  (5·skills) × roles matrix of the credit each level earns in each role.
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

import functools
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.linalg import blas
from threadpoolctl import ThreadpoolController

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


def _level_columns(levels: sparse.csr_matrix) -> sparse.csr_matrix:
    """people × (5·skills): a 1 in column 5·skill + level − 1 for every skill held. Levels are
    floored into 1..5 (above 5 counts as 5, below 1 as not held)."""
    held = sparse.csr_matrix(levels, dtype=np.float64, copy=True)
    held.data = np.floor(np.minimum(held.data, LEVELS))
    held.data[held.data < 1] = 0.0
    held.eliminate_zeros()
    indices = held.indices.astype(np.int64) * LEVELS + held.data.astype(np.int64) - 1
    return sparse.csr_matrix((np.ones(held.nnz), indices, held.indptr), shape=(held.shape[0], held.shape[1] * LEVELS))


def _level_credit(required: sparse.csr_matrix, importance: sparse.csr_matrix, scale: Matrix) -> sparse.csr_matrix:
    """(5·skills) × roles: what holding a skill at each level earns in each role that requires it,
    importance · min(level, required) / required, times the role's ``scale``."""
    need = required.tocoo()
    weight = np.asarray(importance[need.row, need.col]).ravel() * scale[need.row]
    level = np.arange(1, LEVELS + 1, dtype=np.float64)
    credit = weight[:, None] * np.minimum(level[None, :], need.data[:, None]) / need.data[:, None]
    rows = need.col.astype(np.int64)[:, None] * LEVELS + np.arange(LEVELS)[None, :]
    return sparse.csr_matrix(
        (credit.ravel(), (rows.ravel(), np.repeat(need.row, LEVELS))),
        shape=(required.shape[1] * LEVELS, required.shape[0]),
    )


def _per_role(totals: Matrix, weight: float) -> Matrix:
    """weight / total per role, 0 where the total is 0 (a role without requirements)."""
    result: Matrix = np.where(totals > 0, weight / np.where(totals > 0, totals, 1.0), 0.0)
    return result


def coverage(levels: sparse.csr_matrix, required: sparse.csr_matrix, importance: sparse.csr_matrix) -> Matrix:
    scale = _per_role(np.asarray(importance.sum(axis=1), dtype=np.float64).ravel(), 1.0)
    result: Matrix = (_level_columns(levels) @ _level_credit(required, importance, scale)).toarray()
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
    """Column indices of each row's best ``k``, best first: quantised score descending, ties to the
    lower column. ``exclude`` masks cells out: they sort last (key -1, below every real score), so a
    caller asking for more than remain filters them.

    Each row's ``k + 8`` largest cells are found through a threshold, the (k + 8)-th largest of a
    single-precision copy: vectorised sorts of singles run several times faster than a partition
    of the doubles. Rounding to single precision keeps order, so a cell whose copy is below the
    threshold is below it exactly; the candidates are then ranked by their exact keys. A row is
    ranked on exact keys for every cell when its copy ties at the threshold, or when its k-th
    quantised score does not clear the threshold's (a quantised tie could reach past the
    candidates)."""
    rows, columns = total.shape
    k = min(k, columns)
    margin = k + 8
    if k == 0 or margin >= columns:
        return _top_k_exact(total, k, exclude)
    approx = total.astype(np.float32)
    if exclude is not None:
        approx[exclude] = -np.inf
    threshold = np.sort(approx, axis=1)[:, columns - margin]
    cells = np.flatnonzero(approx >= threshold[:, None])  # row-major: each row's cells together
    counts = np.bincount(cells // columns, minlength=rows)
    # Fewer than ``margin`` cells left after exclusions make the threshold -inf and take the row.
    regular = counts == margin
    picked = cells[np.repeat(regular, counts)].reshape(-1, margin)
    candidates = picked % columns
    quantised = np.rint(total.reshape(-1)[picked] / QUANTUM)
    order = np.argsort(-(quantised * columns + (columns - 1 - candidates)), axis=1)[:, :k]
    best = np.empty((rows, k), dtype=np.int64)
    best[regular] = np.take_along_axis(candidates, order, axis=1)
    kth = np.take_along_axis(quantised, order[:, k - 1 :], axis=1).ravel()
    again = ~regular
    again[np.flatnonzero(regular)[kth <= np.rint(threshold[regular].astype(np.float64) / QUANTUM)]] = True
    if again.any():
        best[again] = _top_k_exact(total[again], k, None if exclude is None else exclude[again])
    return best


def _top_k_exact(total: Matrix, k: int, exclude: npt.NDArray[np.bool_] | None) -> npt.NDArray[np.int64]:
    """``top_k`` on exact keys for every cell: the definition, and the way for small or hard rows."""
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
    credit: sparse.csr_matrix  # (5·skills) × roles: weighted coverage credit per level held
    per_token: Matrix  # tokens × roles: context credit per matching token


def _role_side(inputs: MatchInputs, weights: Weights, pool: ThreadPoolExecutor, workers: int) -> _RoleSide:
    roles = profile_vectors(inputs.importance, inputs.skill_vectors)
    # The projection is the one sizeable product on the role side: a slice of roles per core.
    slices = np.array_split(roles, workers) if len(roles) >= workers else [roles]
    directions = np.hstack(list(pool.map(lambda part: inputs.skill_vectors @ part.T, slices)))
    # Credit already weighted and divided by the role's total importance.
    scale = _per_role(np.asarray(inputs.importance.sum(axis=1), dtype=np.float64).ravel(), weights.coverage)
    token_weight = _per_role(np.asarray(inputs.role_tokens.sum(axis=1), dtype=np.float64).ravel(), weights.context)
    return _RoleSide(
        directions=directions,
        credit=_level_credit(inputs.required, inputs.importance, scale),
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
    _add_sparse(total, _level_columns(levels) @ side.credit, 1.0)
    _add_sparse(total, inputs.career[rows], weights.career)
    # Context: few tokens, added by BLAS straight into the buffer (no people × roles temporary);
    # total is C-ordered, so its transpose is the Fortran-ordered matrix dgemm updates in place.
    tokens = np.asfortranarray(inputs.person_tokens[rows].toarray().T)
    blas.dgemm(1.0, side.per_token.T, tokens, beta=1.0, c=total.T, overwrite_c=True)
    best = top_k(total, k, exclude=None if exclude is None else exclude[rows])
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
    people = inputs.levels.shape[0]
    workers = _workers()
    size = min(MAX_ROWS_PER_CHUNK, max(1, -(-people // workers)))
    chunks = [slice(start, min(start + size, people)) for start in range(0, people, size)]
    # Parallel over chunks on threads (the sparse and dense kernels release the GIL), so BLAS
    # must not start threads of its own: two layers of threads on the same cores halve the speed.
    with _blas_threads().limit(limits=1, user_api="blas"), ThreadPoolExecutor(max_workers=workers) as pool:
        side = _role_side(inputs, weights, pool, workers)
        parts = list(pool.map(lambda rows: _rank_rows(inputs, side, rows, k, weights, exclude), chunks))
    if not parts:
        columns = min(k, inputs.required.shape[0])
        return np.zeros((0, columns), dtype=np.int64), np.zeros((0, columns))
    return np.vstack([p[0] for p in parts]), np.vstack([p[1] for p in parts])


@functools.cache
def _blas_threads() -> ThreadpoolController:
    """Made on first use, once numpy's and scipy's BLAS libraries are both loaded."""
    return ThreadpoolController()
