"""Hybrid retrieval: fusion, mentions, relevance cases, and organisation isolation."""

import pytest
from pydantic import BaseModel

from hrm.core.errors import NotFound
from hrm.retrieval.hybrid import ngrams, rrf
from hrm.tools import registry
from hrm.tools.context import Deps
from hrm.tools.roles import NormalizeTitleOutput
from hrm.tools.skills import GetSkillOutput, LinkSkillsOutput, SearchSkillsOutput
from tests.conftest import PrincipalFactory


def test_rrf_rewards_agreement_and_breaks_ties_by_rank() -> None:
    scores = rrf([[1, 2, 3], [2, 4]])
    assert max(scores, key=lambda k: scores[k]) == 2
    assert scores[1] > scores[3] and scores[4] < scores[1]
    weighted = rrf([[1], [2]], [1.0, 0.5])
    assert weighted[1] > weighted[2]


def test_ngrams_longest_first_and_normalised() -> None:
    grams = ngrams("Built Kubernetes operators in Go")
    assert grams[0] == "builtkubernetesoperatorsingo"
    assert {"kubernetes", "go", "kubernetesoperators"} <= set(grams)
    assert ngrams("") == []


async def _call(
    deps: Deps, as_person: PrincipalFactory, tool: str, args: dict[str, object], who: str = "marta@acme.test"
) -> BaseModel:
    return await registry.call(tool, args, await as_person(who), deps, channel="test")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("k8s", "Kubernetes"),
        ("postgres", "PostgreSQL"),
        ("people management", "People Management"),
        ("kubernets", "Kubernetes"),
    ],
)
async def test_search_relevance_cases(deps: Deps, as_person: PrincipalFactory, query: str, expected: str) -> None:
    out = await _call(deps, as_person, "search_skills", {"query": query, "limit": 5})
    assert isinstance(out, SearchSkillsOutput)
    assert out.results[0].name == expected
    if query == "people management":
        assert out.results[0].type == "leadership"


async def test_exact_matches_score_one(deps: Deps, as_person: PrincipalFactory) -> None:
    out = await _call(deps, as_person, "search_skills", {"query": "k8s"})
    assert isinstance(out, SearchSkillsOutput)
    assert out.results[0].score == 1.0 and all(r.score < 1.0 for r in out.results[1:])


async def test_link_skills_finds_named_skills_in_a_sentence(deps: Deps, as_person: PrincipalFactory) -> None:
    out = await _call(
        deps, as_person, "link_skills", {"texts": ["Built Kubernetes operators in Go, deployed with Terraform", "x"]}
    )
    assert isinstance(out, LinkSkillsOutput) and len(out.links) == 2
    top = {r.name for r in out.links[0].results[:4]}
    assert {"Kubernetes", "Go", "Terraform"} <= top
    assert out.links[0].results[0].score <= 1.0


async def test_link_skills_taxonomy_filter(deps: Deps, as_person: PrincipalFactory) -> None:
    out = await _call(deps, as_person, "link_skills", {"texts": ["python and sql"], "taxonomy": "builtin"})
    assert isinstance(out, LinkSkillsOutput)
    assert {r.source for r in out.links[0].results} == {"builtin"}


async def test_normalize_title(deps: Deps, as_person: PrincipalFactory) -> None:
    out = await _call(deps, as_person, "normalize_title", {"titles": ["Senior Data Engineer", "Registered Nurse"]})
    assert isinstance(out, NormalizeTitleOutput)
    assert out.titles[0].results[0].external_id == "data_engineer_senior"
    assert out.titles[0].results[0].score == 1.0
    assert out.titles[1].results[0].title == "Registered Nurse"


async def test_org_roles_are_found_only_inside_their_org(deps: Deps, as_person: PrincipalFactory) -> None:
    acme = await _call(deps, as_person, "normalize_title", {"titles": ["Account Executive"], "taxonomy": "org"})
    assert isinstance(acme, NormalizeTitleOutput)
    assert acme.titles[0].results and acme.titles[0].results[0].external_id == "SALES-AE"
    otto = await _call(
        deps, as_person, "normalize_title", {"titles": ["Account Executive"], "taxonomy": "org"}, who="otto@globex.test"
    )
    assert isinstance(otto, NormalizeTitleOutput) and otto.titles[0].results == []


async def test_get_skill_describes_relations_roles_and_market(deps: Deps, as_person: PrincipalFactory) -> None:
    out = await _call(deps, as_person, "get_skill", {"skill": "k8s"})
    assert isinstance(out, GetSkillOutput)
    assert out.name == "Kubernetes" and "k8s" in out.aliases
    assert out.market.demand is not None
    assert any(r.source == "builtin" for r in out.roles)
    assert any(r.name == "Docker" for r in out.related)
    # The organisation's own role that needs Kubernetes comes first.
    assert out.roles[0].source == "org" and out.roles[0].title == "Senior Software Engineer"


async def test_get_skill_unknown_suggests(deps: Deps, as_person: PrincipalFactory) -> None:
    with pytest.raises(NotFound, match="couldn't find"):
        await _call(deps, as_person, "get_skill", {"skill": "zzqxv"})
