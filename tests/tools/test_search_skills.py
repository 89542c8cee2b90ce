import pytest

from hrm.tools import registry
from hrm.tools.context import Deps
from hrm.tools.skills import SearchSkillsOutput
from tests.conftest import PrincipalFactory


async def _search(deps: Deps, as_person: PrincipalFactory, query: str, **extra: object) -> SearchSkillsOutput:
    principal = await as_person("marta@acme.test")
    out = await registry.call("search_skills", {"query": query, **extra}, principal, deps, channel="test")
    assert isinstance(out, SearchSkillsOutput)
    return out


@pytest.mark.parametrize(
    ("query", "expected", "match"),
    [
        ("Kubernetes", "Kubernetes", "exact"),
        ("k8s", "Kubernetes", "alias"),
        ("POSTGRES", "PostgreSQL", "alias"),
        ("kubernets", "Kubernetes", "fuzzy"),
        ("kube", "Kubernetes", None),
    ],
)
async def test_finds_by_name_alias_typo_and_prefix(
    deps: Deps, as_person: PrincipalFactory, query: str, expected: str, match: str | None
) -> None:
    out = await _search(deps, as_person, query)
    assert out.results, query
    top = out.results[0]
    assert top.name == expected
    if match:
        assert top.match == match


async def test_results_are_ranked_and_paged_deterministically(deps: Deps, as_person: PrincipalFactory) -> None:
    first = await _search(deps, as_person, "data", limit=5)
    again = await _search(deps, as_person, "data", limit=5)
    second = await _search(deps, as_person, "data", limit=5, offset=5)
    assert first == again
    assert [r.score for r in first.results] == sorted((r.score for r in first.results), reverse=True)
    assert not {r.skill_id for r in first.results} & {r.skill_id for r in second.results}


async def test_nonsense_finds_nothing(deps: Deps, as_person: PrincipalFactory) -> None:
    assert (await _search(deps, as_person, "zzqxv")).results == []
