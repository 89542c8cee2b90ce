"""`match_roles` and `find_candidates` on a hand-built organisation with a known best candidate."""

from collections.abc import AsyncIterator

import pytest

from hrm.core.db import Database
from hrm.core.errors import NotFound, PermissionDenied
from hrm.tools import registry
from hrm.tools.context import Deps
from hrm.tools.match import FindCandidatesOutput, MatchRolesOutput
from hrm.tools.org_import import import_org
from tests.conftest import PrincipalFactory
from tests.matching_org import matching_csvs

PEOPLE, SKILLS, ROLES = matching_csvs("matchco")


@pytest.fixture(scope="module")
async def matchco(db: Database) -> AsyncIterator[None]:
    await import_org(db, "matchco", name="MatchCo", people_csv=PEOPLE, skills_csv=SKILLS, roles_csv=ROLES)
    yield


async def _candidates(deps: Deps, as_person: PrincipalFactory, caller: str, **args: object) -> FindCandidatesOutput:
    out = await registry.call("find_candidates", args, await as_person(caller), deps, channel="test")
    assert isinstance(out, FindCandidatesOutput)
    return out


async def test_known_best_candidate_ranks_first_with_an_explanation(
    matchco: None, deps: Deps, as_person: PrincipalFactory
) -> None:
    out = await _candidates(deps, as_person, "hr@matchco.test", role="Senior Data Engineer")
    assert out.role == "Senior Data Engineer" and out.source == "org"
    names = [c.person.name for c in out.candidates]
    assert names[0] == "Dana Ito"
    assert names.index("Omar Haddad") < names.index("Zoe Park")  # SQL and some Python beat React
    best = out.candidates[0]
    assert (best.essential_met, best.essential_total) == (3, 3)
    assert best.to_build[0].skill == "Apache Airflow" and best.to_build[0].current_level == 2
    assert "meets 3 of 3 essential skills" in best.explanation
    assert "Apache Airflow 2 of 3 required" in best.explanation
    scores = [c.score.total for c in out.candidates]
    assert scores == sorted(scores, reverse=True)
    assert out.pool == 5  # everyone but the caller


async def test_location_preference_lifts_local_and_remote_people(
    matchco: None, deps: Deps, as_person: PrincipalFactory
) -> None:
    plain = await _candidates(deps, as_person, "hr@matchco.test", role="Senior Data Engineer")
    local = await _candidates(deps, as_person, "hr@matchco.test", role="Senior Data Engineer", location="Lisbon")
    before = {c.person.name: c for c in plain.candidates}
    after = {c.person.name: c for c in local.candidates}
    # Same department for both; only Zoe is in Lisbon.
    assert before["Zoe Park"].score.context == before["Dana Ito"].score.context
    assert after["Zoe Park"].score.context > after["Dana Ito"].score.context
    assert "based in Lisbon" in after["Zoe Park"].explanation
    remote = await _candidates(
        deps, as_person, "hr@matchco.test", role="Senior Data Engineer", location="Lisbon", remote_ok=True
    )
    omar = next(c for c in remote.candidates if c.person.name == "Omar Haddad")
    assert "remote" in omar.explanation


async def test_managers_rank_only_their_reports_and_employees_are_refused(
    matchco: None, deps: Deps, as_person: PrincipalFactory
) -> None:
    out = await _candidates(deps, as_person, "boss@matchco.test", role="Senior Data Engineer")
    assert {c.person.name for c in out.candidates} == {"Dana Ito", "Omar Haddad", "Zoe Park"}
    with pytest.raises(PermissionDenied):
        await _candidates(deps, as_person, "dana@matchco.test", role="Senior Data Engineer")


async def test_unknown_role_is_not_found(matchco: None, deps: Deps, as_person: PrincipalFactory) -> None:
    with pytest.raises(NotFound):
        await _candidates(deps, as_person, "hr@matchco.test", role="Chief Zeppelin Whisperer of Mars")


async def _matches(deps: Deps, as_person: PrincipalFactory, caller: str, **args: object) -> MatchRolesOutput:
    out = await registry.call("match_roles", args, await as_person(caller), deps, channel="test")
    assert isinstance(out, MatchRolesOutput)
    return out


async def test_match_roles_ranks_data_roles_for_a_data_engineer(
    matchco: None, deps: Deps, as_person: PrincipalFactory
) -> None:
    out = await _matches(deps, as_person, "dana@matchco.test", limit=5)
    assert out.person.name == "Dana Ito"
    assert out.current_role == "Data Engineer"
    titles = [m.title for m in out.matches]
    assert "Senior Data Engineer" in titles
    assert "Data Engineer" not in titles  # the current role is left out unless asked
    senior = next(m for m in out.matches if m.title == "Senior Data Engineer")
    assert senior.explanation.startswith("meets ")
    assert out.matches == sorted(out.matches, key=lambda m: -m.score.total)
    again = await _matches(deps, as_person, "dana@matchco.test", limit=5)
    assert [m.role_id for m in again.matches] == [m.role_id for m in out.matches]


async def test_match_roles_follows_the_career_graph(matchco: None, deps: Deps, as_person: PrincipalFactory) -> None:
    out = await _matches(deps, as_person, "dana@matchco.test", limit=50)
    by_title = {m.title: m for m in out.matches if not m.organisation_role}
    # The catalogue's next step for a data engineer is one hop away; an unrelated role is not.
    assert by_title["Senior Data Engineer"].score.career == 1.0
    assert "a next step from Data Engineer" in by_title["Senior Data Engineer"].explanation


async def test_match_roles_respects_who_may_see_whom(matchco: None, deps: Deps, as_person: PrincipalFactory) -> None:
    with pytest.raises(PermissionDenied):
        await _matches(deps, as_person, "omar@matchco.test", person="dana@matchco.test")
    out = await _matches(deps, as_person, "boss@matchco.test", person="dana@matchco.test")
    assert out.person.name == "Dana Ito"
