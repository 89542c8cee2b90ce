"""plan_career_path over the built-in catalogue (acme's people) and over imported O*NET occupations
with the career-changers sample; and the path search itself on a small hand-made graph."""

import json
from collections.abc import Iterator
from importlib import resources
from itertools import pairwise
from pathlib import Path

import pytest

from hrm.core.db import Database
from hrm.core.errors import InvalidInput, NotFound, PermissionDenied
from hrm.retrieval.career_graph import k_shortest_paths
from hrm.retrieval.importers.career_changers import import_career_changers
from hrm.retrieval.importers.onet import import_onet, read_onet
from hrm.tools import registry
from hrm.tools.career import CareerStep, PlanCareerPathOutput
from hrm.tools.context import Deps
from tests.conftest import PrincipalFactory

ONET = Path(__file__).parents[1] / "fixtures" / "onet"


async def _plan(deps: Deps, as_person: PrincipalFactory, caller: str, **args: object) -> PlanCareerPathOutput:
    out = await registry.call("plan_career_path", args, await as_person(caller), deps, channel="test")
    assert isinstance(out, PlanCareerPathOutput)
    return out


def _titles(steps: list[CareerStep]) -> list[str]:
    return [steps[0].from_role.title] + [s.to_role.title for s in steps]


def _builtin_years() -> dict[tuple[str, str], float]:
    doc = json.loads(resources.files("hrm.data").joinpath("roles.json").read_text(encoding="utf-8"))
    return {(t["from"], t["to"]): float(t["years"]) for t in doc["transitions"]}


# The search ------------------------------------------------------------------------------------


def test_k_shortest_paths_in_cost_order_with_ties_by_role_id() -> None:
    edges = {1: [(4, 3.0), (3, 1.0), (2, 1.0)], 2: [(4, 1.0), (3, 0.5)], 3: [(4, 1.0)], 4: []}
    found = k_shortest_paths(lambda n: edges[n], 1, 4, 10)
    assert [(p.cost, p.nodes) for p in found] == [
        (2.0, (1, 2, 4)),
        (2.0, (1, 3, 4)),  # the same cost: the lower role id went first
        (2.5, (1, 2, 3, 4)),
        (3.0, (1, 4)),
    ]
    reversed_edges = {n: list(reversed(out)) for n, out in edges.items()}
    assert k_shortest_paths(lambda n: reversed_edges[n], 1, 4, 10) == found
    assert k_shortest_paths(lambda n: edges[n], 1, 4, 2) == found[:2]
    assert k_shortest_paths(lambda n: edges[n], 4, 1, 3) == []


# Built-in roles --------------------------------------------------------------------------------


async def test_known_path_junior_to_staff_engineer(deps: Deps, as_person: PrincipalFactory) -> None:
    out = await _plan(deps, as_person, "marta@acme.test", target="Staff Engineer", from_role="Junior Software Engineer")
    assert not out.already_there and len(out.paths) == 3
    best = out.paths[0]
    assert _titles(best.steps) == [
        "Junior Software Engineer",
        "Software Engineer",
        "Senior Software Engineer",
        "Staff Engineer",
    ]
    years = _builtin_years()
    codes = [s.from_role.external_id for s in best.steps] + [best.steps[-1].to_role.external_id]
    assert [s.typical_years for s in best.steps] == [years[(a, b)] for a, b in pairwise(codes)]
    assert all(s.source == "curated" and not s.years_estimated for s in best.steps)
    total = sum(s.typical_years for s in best.steps)
    assert best.total_years_low < total < best.total_years_high
    assert "Junior Software Engineer → Software Engineer" in best.explanation


async def test_top_paths_are_distinct_loop_free_and_ordered(deps: Deps, as_person: PrincipalFactory) -> None:
    out = await _plan(
        deps, as_person, "hana@acme.test", target="Staff Engineer", from_role="Junior Software Engineer", max_paths=5
    )
    routes = [tuple(_titles(p.steps)) for p in out.paths]
    assert len(routes) == 5 and len(set(routes)) == 5
    assert [p.rank for p in out.paths] == [1, 2, 3, 4, 5]
    costs = [p.cost for p in out.paths]
    assert costs == sorted(costs)
    for path in out.paths:
        ids = [path.steps[0].from_role.role_id] + [s.to_role.role_id for s in path.steps]
        assert len(ids) == len(set(ids))
        assert all(a.to_role == b.from_role for a, b in pairwise(path.steps))
        assert path.steps[-1].to_role.title == "Staff Engineer"
    again = await _plan(
        deps, as_person, "hana@acme.test", target="Staff Engineer", from_role="Junior Software Engineer", max_paths=5
    )
    assert again == out


async def test_skills_to_build_follow_the_persons_levels(deps: Deps, as_person: PrincipalFactory) -> None:
    # Marta holds Python 4 and Kubernetes 3 (manager rating); Hana holds neither.
    def devops_route(out: PlanCareerPathOutput) -> list[dict[str, tuple[int, int]]]:
        for path in out.paths:
            if _titles(path.steps) == ["Software Engineer", "DevOps Engineer", "Senior DevOps Engineer"]:
                return [{k.name: (k.current_level, k.required_level) for k in s.skills_to_build} for s in path.steps]
        raise AssertionError(f"no route through DevOps Engineer in {[_titles(p.steps) for p in out.paths]}")

    args = {"target": "Senior DevOps Engineer", "from_role": "Software Engineer"}
    marta = devops_route(await _plan(deps, as_person, "marta@acme.test", **args))
    hana = devops_route(await _plan(deps, as_person, "hana@acme.test", **args))
    assert hana[0]["Kubernetes"] == (0, 3) and hana[0]["Python"] == (0, 2)
    assert "Kubernetes" not in marta[0] and "Python" not in marta[0]
    # what the first step built counts at the second
    assert hana[1]["Kubernetes"] == (3, 4) and marta[1]["Kubernetes"] == (3, 4)
    assert marta[0].keys() == hana[0].keys() - {"Kubernetes", "Python"}


async def test_own_role_is_the_default_start(deps: Deps, as_person: PrincipalFactory) -> None:
    out = await _plan(deps, as_person, "marta@acme.test", target="Staff Engineer")
    assert out.is_self and out.from_role.title == "Senior Software Engineer"
    # acme's own Senior Software Engineer role is read as the catalogue's, whose moves are recorded
    assert out.from_role.source == "org" and any("read as" in n for n in out.notes)
    assert _titles(out.paths[0].steps) == ["Senior Software Engineer", "Staff Engineer"]
    there = await _plan(deps, as_person, "marta@acme.test", target="Senior Software Engineer")
    assert there.already_there and there.paths == [] and "already in that role" in there.message


async def test_manager_plans_for_a_report(deps: Deps, as_person: PrincipalFactory) -> None:
    out = await _plan(deps, as_person, "mike@acme.test", target="Staff Engineer", person="marta@acme.test")
    assert not out.is_self and out.person == "Marta Bianchi" and out.paths


@pytest.mark.parametrize(("caller", "person"), [("eve@acme.test", "marta@acme.test"), ("nina@acme.test", "eve")])
async def test_forbidden_person_is_refused(deps: Deps, as_person: PrincipalFactory, caller: str, person: str) -> None:
    with pytest.raises(PermissionDenied):
        await _plan(deps, as_person, caller, target="Staff Engineer", person=person)


async def test_unknown_target_and_bad_arguments(deps: Deps, as_person: PrincipalFactory) -> None:
    with pytest.raises(NotFound, match="Qzxv Plorbt"):
        await _plan(deps, as_person, "marta@acme.test", target="Qzxv Plorbt")
    with pytest.raises(InvalidInput, match="max_paths"):
        await _plan(deps, as_person, "marta@acme.test", target="Staff Engineer", max_paths=6)


async def test_no_path_names_the_nearest_reachable_roles(deps: Deps, as_person: PrincipalFactory) -> None:
    out = await _plan(deps, as_person, "marta@acme.test", target="Registered Nurse", from_role="Software Engineer")
    assert out.paths == [] and not out.already_there
    assert "no path" in out.message
    assert 0 < len(out.nearest_reachable) <= 3
    assert all(n.role.title in out.message for n in out.nearest_reachable)
    assert out.target.title not in {n.role.title for n in out.nearest_reachable}


# Imported O*NET occupations -------------------------------------------------------------------


@pytest.fixture(scope="module")
def onet_loaded(db: Database) -> Iterator[None]:
    """The invented O*NET slice and the career-changers sample, committed for this module's tool
    calls (which read through the application pool) and removed afterwards."""
    data = read_onet(ONET)
    with db.owner_connect() as conn:
        import_onet(conn, ONET)
        import_career_changers(
            conn, ONET / "career_changers_sample.tsv", crosswalk=ONET / "career_changers_crosswalk_sample.csv"
        )
        conn.commit()
    yield
    with db.owner_connect() as conn:
        conn.execute(
            "DELETE FROM roles WHERE org_id IS NULL AND source = 'onet' AND external_id = ANY(%s)",
            ([r[0] for r in data.roles],),
        )
        conn.execute(
            "DELETE FROM skills WHERE org_id IS NULL AND source = 'onet' AND external_id = ANY(%s)",
            ([s[0] for s in data.skills],),
        )
        conn.commit()


@pytest.mark.usefixtures("onet_loaded")
async def test_onet_path_over_related_and_career_changers(deps: Deps, as_person: PrincipalFactory) -> None:
    out = await _plan(deps, as_person, "marta@acme.test", target="15-9901.01", from_role="Moss Therapy Practitioners")
    assert out.target.title == "Orbital Widget Analysts, Principal" and out.target.source == "onet"
    first, second = out.paths[0], out.paths[1]
    assert [s.to_role.external_id for s in first.steps] == ["15-9901.00", "15-9901.01"]
    assert [s.source for s in first.steps] == ["onet_changers", "onet_related"]
    assert [s.to_role.external_id for s in second.steps] == ["47-9903.00", "15-9901.00", "15-9901.01"]
    assert [s.source for s in second.steps] == ["onet_related", "onet_changers", "onet_related"]
    assert first.cost <= second.cost
    # O*NET records no durations: estimated, the climb from zone 4 to zone 5 costing more
    assert all(s.years_estimated for s in first.steps)
    assert first.steps[1].typical_years > first.steps[0].typical_years
    built = [{k.name: (k.current_level, k.required_level) for k in s.skills_to_build} for s in first.steps]
    assert built[0]["Starchart Tessellation"] == (0, 2)
    assert built[1]["Starchart Tessellation"] == (2, 5)  # built at the first step
    assert "Echo Listening" in built[0] and "Echo Listening" not in built[1]
