"""The role-transition graph career paths are searched over, and its k shortest paths.

Nodes are roles; edges are the recorded transitions (curated built-in moves, O*NET related
occupations, the O*NET career-changers matrix) plus skill-overlap edges computed on demand: a role's
few nearest roles of the same source by weighted Jaccard over their required skills, so occupations
nobody recorded a move for (every ESCO occupation, most organisation roles) are still reachable.

What an edge costs is the caller's decision (a function of the edge), which keeps the career
weighting with the catalogue's months-per-level; this module only finds paths, deterministically:
equal costs are ordered by the role ids along the path.
"""

import heapq
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from hrm.core.db import Conn

SKILL_OVERLAP = "skill_overlap"

# Weighted Jaccard counts a shared essential skill three times a shared nice-to-have one: the
# importance grades as role requirements carry them. Levels are left out on purpose, so a junior
# and a senior role of one family overlap fully and their distance is left to the edge cost.
OVERLAP_WEIGHT = {"essential": 3.0, "important": 2.0, "nice_to_have": 1.0}
MIN_OVERLAP = 0.3  # below this two roles share too little for a move between them to be credible
OVERLAP_NEIGHBOURS = 3  # per role: enough to reach isolated roles without drowning curated moves

# Seniority on one scale: built-in and organisation levels, or an O*NET job zone (1–5).
LEVEL_RANK = {"entry": 1, "mid": 2, "senior": 3, "lead": 4, "manager": 4}


@dataclass(frozen=True)
class GraphRole:
    id: int
    title: str
    source: str
    external_id: str
    org_specific: bool
    rank: int | None  # seniority, when the catalogue says


@dataclass(frozen=True)
class Transition:
    from_id: int
    to_id: int
    typical_years: float | None
    source: str  # the role_transitions source, or SKILL_OVERLAP
    overlap: float | None = None  # the weighted Jaccard of a skill-overlap edge


@dataclass
class _OverlapIndex:
    """One source's requirement sets as skill postings, for nearest-role queries by overlap."""

    role_ids: npt.NDArray[np.int64]
    totals: npt.NDArray[np.float64]
    position: dict[int, int]
    postings: dict[int, tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]]
    weights: dict[int, dict[int, float]]  # role id → skill id → weight


@dataclass
class CareerGraph:
    roles: dict[int, GraphRole]
    requirements: dict[int, dict[int, tuple[int, str]]]  # role id → skill id → (level, importance)
    transitions: dict[int, list[Transition]]
    _indexes: dict[str, _OverlapIndex] = field(default_factory=dict)
    _near: dict[int, list[tuple[int, float]]] = field(default_factory=dict)

    @classmethod
    async def load(cls, conn: Conn, sources: Iterable[str]) -> "CareerGraph":
        """The roles of ``sources`` the caller's organisation sees, their requirements and the
        transitions between them."""
        wanted = sorted(set(sources))
        cur = await conn.execute(
            """SELECT id, title, source, external_id, org_id, level, attributes->>'job_zone' AS zone
               FROM roles WHERE source = ANY(%s)""",
            (wanted,),
        )
        roles = {}
        for row in await cur.fetchall():
            zone = row["zone"]
            rank = LEVEL_RANK.get(row["level"] or "") or (int(zone) if zone and zone.isdigit() else None)
            roles[int(row["id"])] = GraphRole(
                id=int(row["id"]),
                title=str(row["title"]),
                source=str(row["source"]),
                external_id=str(row["external_id"]),
                org_specific=row["org_id"] is not None,
                rank=rank,
            )
        cur = await conn.execute(
            """SELECT rs.role_id, rs.skill_id, rs.required_level, rs.importance
               FROM role_skills rs JOIN roles r ON r.id = rs.role_id WHERE r.source = ANY(%s)""",
            (wanted,),
        )
        requirements: dict[int, dict[int, tuple[int, str]]] = {role_id: {} for role_id in roles}
        for row in await cur.fetchall():
            requirements[int(row["role_id"])][int(row["skill_id"])] = (int(row["required_level"]), row["importance"])
        cur = await conn.execute(
            """SELECT rt.from_role_id, rt.to_role_id, rt.typical_years, rt.source FROM role_transitions rt
               JOIN roles f ON f.id = rt.from_role_id JOIN roles t ON t.id = rt.to_role_id
               WHERE f.source = ANY(%(s)s) AND t.source = ANY(%(s)s)
               ORDER BY rt.from_role_id, rt.to_role_id""",
            {"s": wanted},
        )
        transitions: dict[int, list[Transition]] = {}
        for row in await cur.fetchall():
            years = row["typical_years"]
            edge = Transition(
                int(row["from_role_id"]),
                int(row["to_role_id"]),
                float(years) if years is not None else None,
                str(row["source"]),
            )
            transitions.setdefault(edge.from_id, []).append(edge)
        return cls(roles, requirements, transitions)

    def nearest_by_overlap(self, role_id: int) -> list[tuple[int, float]]:
        """The role's closest roles of its own source by weighted Jaccard of required skills, at
        least MIN_OVERLAP, best first (ties by role id), at most OVERLAP_NEIGHBOURS."""
        if role_id in self._near:
            return self._near[role_id]
        role = self.roles.get(role_id)
        found: list[tuple[int, float]] = []
        if role is not None and self.requirements.get(role_id):
            index = self._index(role.source)
            scores = _jaccard_row(index, role_id)
            order = np.lexsort((index.role_ids, -scores))
            for position in order[: OVERLAP_NEIGHBOURS + 1]:
                other, score = int(index.role_ids[position]), float(scores[position])
                if other != role_id and score >= MIN_OVERLAP and len(found) < OVERLAP_NEIGHBOURS:
                    found.append((other, round(score, 4)))
        self._near[role_id] = found
        return found

    def overlap(self, a: int, b: int) -> float:
        """Weighted Jaccard of two roles' requirement sets (any sources: skills are matched by id)."""
        wa, wb = _weights(self.requirements.get(a, {})), _weights(self.requirements.get(b, {}))
        shared = sum(min(w, wb[s]) for s, w in wa.items() if s in wb)
        union = sum(wa.values()) + sum(wb.values()) - shared
        return shared / union if union else 0.0

    def edges_from(self, role_id: int, target: int) -> list[Transition]:
        """Recorded moves out of a role, then skill-overlap moves to its nearest roles and, when
        the role is among the target's nearest, straight to the target (the overlap is
        symmetric, the neighbour lists are not). A recorded move hides an overlap one, and an
        overlap move never goes down in seniority."""
        edges = list(self.transitions.get(role_id, []))
        seen = {e.to_id for e in edges} | {role_id}
        near = self.nearest_by_overlap(role_id)
        if role_id != target:
            near = near + [(target, s) for r, s in self.nearest_by_overlap(target) if r == role_id]
        rank = self.roles[role_id].rank if role_id in self.roles else None
        for other, score in near:
            # Overlap says two roles are alike, not which way people move: never suggest a step down.
            other_rank = self.roles[other].rank if other in self.roles else None
            if rank is not None and other_rank is not None and other_rank < rank:
                continue
            if other not in seen:
                seen.add(other)
                edges.append(Transition(role_id, other, None, SKILL_OVERLAP, score))
        return edges

    def _index(self, source: str) -> _OverlapIndex:
        if source not in self._indexes:
            ids = sorted(r for r, role in self.roles.items() if role.source == source and self.requirements.get(r))
            weights = {r: _weights(self.requirements[r]) for r in ids}
            lists: dict[int, tuple[list[int], list[float]]] = {}
            for position, r in enumerate(ids):
                for skill, w in weights[r].items():
                    entry = lists.setdefault(skill, ([], []))
                    entry[0].append(position)
                    entry[1].append(w)
            self._indexes[source] = _OverlapIndex(
                role_ids=np.array(ids, dtype=np.int64),
                totals=np.array([sum(weights[r].values()) for r in ids], dtype=np.float64),
                position={r: i for i, r in enumerate(ids)},
                postings={
                    s: (np.array(p, dtype=np.int64), np.array(w, dtype=np.float64)) for s, (p, w) in lists.items()
                },
                weights=weights,
            )
        return self._indexes[source]


def _weights(requirements: dict[int, tuple[int, str]]) -> dict[int, float]:
    return {skill: OVERLAP_WEIGHT.get(importance, 1.0) for skill, (_, importance) in requirements.items()}


def _jaccard_row(index: _OverlapIndex, role_id: int) -> npt.NDArray[np.float64]:
    """Weighted Jaccard of one role against every role of its index: the shared mass from the
    postings of its own skills, the union as both totals minus the shared mass."""
    n = len(index.role_ids)
    own = index.weights[role_id]
    positions, mins = [], []
    for skill, w in own.items():
        where, ws = index.postings[skill]
        positions.append(where)
        mins.append(np.minimum(ws, w))
    shared = np.bincount(np.concatenate(positions), weights=np.concatenate(mins), minlength=n)
    union = index.totals + sum(own.values()) - shared
    return np.where(union > 0, shared / np.where(union > 0, union, 1.0), 0.0)


# Paths --------------------------------------------------------------------------------------------

Neighbours = Callable[[int], Iterable[tuple[int, float]]]


@dataclass(frozen=True)
class Path:
    cost: float
    nodes: tuple[int, ...]


def shortest_path(
    neighbours: Neighbours,
    start: int,
    target: int,
    *,
    banned_edges: frozenset[tuple[int, int]] = frozenset(),
    banned_nodes: frozenset[int] = frozenset(),
    max_cost: float = float("inf"),
) -> Path | None:
    """Dijkstra. The heap orders equal costs by the path's role ids, so the answer is unique."""
    heap: list[tuple[float, tuple[int, ...]]] = [(0.0, (start,))]
    settled: set[int] = set()
    while heap:
        cost, path = heapq.heappop(heap)
        node = path[-1]
        if node in settled:
            continue
        if node == target:
            return Path(cost, path)
        settled.add(node)
        for other, step in neighbours(node):
            if other in settled or other in banned_nodes or (node, other) in banned_edges:
                continue
            total = round(cost + step, 6)
            if total <= max_cost:
                heapq.heappush(heap, (total, (*path, other)))
    return None


def reachable(neighbours: Neighbours, start: int, *, max_cost: float) -> dict[int, float]:
    """Every role reachable from ``start`` within ``max_cost``, with its cheapest cost."""
    best: dict[int, float] = {}
    heap: list[tuple[float, int]] = [(0.0, start)]
    while heap:
        cost, node = heapq.heappop(heap)
        if node in best:
            continue
        best[node] = cost
        for other, step in neighbours(node):
            total = round(cost + step, 6)
            if other not in best and total <= max_cost:
                heapq.heappush(heap, (total, other))
    return best


def k_shortest_paths(
    neighbours: Neighbours, start: int, target: int, k: int, *, max_cost: float = float("inf")
) -> list[Path]:
    """Yen's algorithm: the ``k`` cheapest loop-free paths from ``start`` to ``target``, cheapest
    first, equal costs ordered by role ids."""
    costs: dict[tuple[int, int], float] = {}

    def remembered(node: int) -> list[tuple[int, float]]:
        out = list(neighbours(node))
        for other, step in out:
            costs[(node, other)] = step
        return out

    first = shortest_path(remembered, start, target, max_cost=max_cost)
    if first is None:
        return []
    found = [first]
    candidates: list[tuple[float, tuple[int, ...]]] = []
    queued: set[tuple[int, ...]] = {first.nodes}
    while len(found) < k:
        previous = found[-1].nodes
        for i in range(len(previous) - 1):
            root = previous[: i + 1]
            root_cost = round(sum(costs[(root[j], root[j + 1])] for j in range(i)), 6)
            banned_edges = frozenset((p.nodes[i], p.nodes[i + 1]) for p in found if p.nodes[: i + 1] == root)
            spur = shortest_path(
                remembered,
                root[-1],
                target,
                banned_edges=banned_edges,
                banned_nodes=frozenset(root[:-1]),
                max_cost=max_cost - root_cost,
            )
            if spur is None:
                continue
            nodes = root[:-1] + spur.nodes
            if nodes not in queued:
                queued.add(nodes)
                heapq.heappush(candidates, (round(root_cost + spur.cost, 6), nodes))
        if not candidates:
            break
        cost, nodes = heapq.heappop(candidates)
        found.append(Path(cost, nodes))
    return found
