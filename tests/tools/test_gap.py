"""analyze_gap: hand-built cases with expected answers, learning suggestions, unlocks, permissions."""

from collections.abc import AsyncIterator

import pytest

from hrm.core.db import Database
from hrm.core.errors import NotFound, PermissionDenied
from hrm.retrieval.builtin_resources import load_builtin_resources
from hrm.tools import registry
from hrm.tools.context import Deps
from hrm.tools.gap import AnalyzeGapOutput  # importing the module registers analyze_gap
from hrm.tools.learning import import_resources
from hrm.tools.org_import import import_org
from tests.conftest import PrincipalFactory

PEOPLE = "email,first_name,last_name,job_title,department,manager_email,location,role,slack_user_id\n"
SKILLS = "email,skill,level,source\n"
ROLES = "role_code,title,department,level,skill,required_level,importance\n"
RESOURCES = "title,url,skill,cluster,kind,hours,description\n"


@pytest.fixture(scope="module")
async def gap_db(db: Database) -> AsyncIterator[Database]:
    with db.owner_connect() as conn:
        load_builtin_resources(conn)
    # Skills only this organisation has (created by the import), so that no catalogue role
    # requires them and the unlock counts below depend on these roles alone.
    await import_org(
        db,
        "gapunlock",
        people_csv=PEOPLE + "pia@gapunlock.test,Pia,Ross,Engineer,Eng,,,employee,\n"
        "quin@gapunlock.test,Quin,Hale,Engineer,Eng,,,employee,\n",
        skills_csv=SKILLS + "pia@gapunlock.test,Glorp Alpha,3,self\n"
        "quin@gapunlock.test,Glorp Alpha,3,self\nquin@gapunlock.test,Glorp Beta,2,self\n",
        roles_csv=ROLES
        + "\n".join(
            [
                "T,Glorp Target,Eng,,Glorp Beta,3,essential",
                "T,Glorp Target,Eng,,Glorp Gamma,2,essential",
                "T,Glorp Target,Eng,,Glorp Delta,2,important",
                "T,Glorp Target,Eng,,Glorp Epsilon,1,nice_to_have",
                "R1,Role One,Eng,,Glorp Alpha,3,essential",
                "R1,Role One,Eng,,Glorp Beta,2,essential",
                "R2,Role Two,Eng,,Glorp Beta,3,essential",
                "R9,Role Nine,Eng,,Glorp Beta,2,essential",
                "R3,Role Three,Eng,,Glorp Gamma,2,essential",
                "R4,Role Four,Eng,,Glorp Beta,2,essential",
                "R4,Role Four,Eng,,Glorp Gamma,2,essential",
                "R5,Role Five,Eng,,Glorp Delta,1,important",
                "R6,Role Six,Eng,,Glorp Epsilon,1,essential",
                "R8,Role Eight,Eng,,Glorp Epsilon,1,essential",
                "R8,Role Eight,Eng,,Glorp Delta,1,nice_to_have",
                "R7,Role Seven,Eng,,Glorp Delta,3,essential",
            ]
        )
        + "\n",
        create_unknown_skills=True,
    )
    await import_org(db, "gapres", people_csv=PEOPLE + "ron@gapres.test,Ron,Vega,Ops,Ops,,,employee,\n")
    yield db


async def _gap(
    deps: Deps, as_person: PrincipalFactory, caller: str, role: str, person: str | None = None
) -> AnalyzeGapOutput:
    out = await registry.call(
        "analyze_gap", {"role": role, "person": person}, await as_person(caller), deps, channel="test"
    )
    assert isinstance(out, AnalyzeGapOutput)
    return out


def _rows(out: AnalyzeGapOutput) -> list[tuple[int, str, int, int, str, int, int]]:
    return [
        (g.priority, g.skill, g.current_level, g.required_level, g.importance, g.months_low, g.months_high)
        for g in out.gaps
    ]


async def test_marta_against_the_org_role(gap_db: Database, deps: Deps, as_person: PrincipalFactory) -> None:
    # ENG-SR: Python 4 essential, Kubernetes 3 important, SQL 3 nice to have. Marta holds Python 4,
    # Kubernetes 3 (rated by her manager as "k8s") and PostgreSQL, which is not SQL.
    out = await _gap(deps, as_person, "marta@acme.test", "Senior Software Engineer")
    assert out.role.org_specific and out.role.title == "Senior Software Engineer"
    assert out.person.is_self
    assert _rows(out) == [(1, "SQL", 0, 3, "nice_to_have", 13, 36)]
    assert [(s.skill, s.current_level, s.required_level) for s in out.strengths] == [
        ("Python", 4, 4),
        ("Kubernetes", 3, 3),
    ]
    assert (out.readiness.essential_met, out.readiness.essential_total) == (1, 1)
    assert out.readiness.weighted_coverage == round(100 * 5 / 6, 1)
    # No essential gap: the only gap sets both ends.
    assert (out.time_estimate.months_low, out.time_estimate.months_high) == (13, 36)
    assert "1 of 1 essential" in out.explanation


async def test_marta_against_a_builtin_role(gap_db: Database, deps: Deps, as_person: PrincipalFactory) -> None:
    out = await _gap(deps, as_person, "mike@acme.test", "DevOps Engineer", "marta@acme.test")
    assert out.role.source == "builtin" and not out.person.is_self
    # Essential first (shortfall 3 each, then by name), then important (shortfall 3 before 2).
    assert _rows(out) == [
        (1, "CI/CD", 0, 3, "essential", 13, 36),
        (2, "Docker", 0, 3, "essential", 13, 36),
        (3, "Linux", 0, 3, "essential", 13, 36),
        (4, "AWS", 0, 3, "important", 13, 36),
        (5, "Bash Scripting", 0, 3, "important", 13, 36),
        (6, "Git", 0, 3, "important", 13, 36),
        (7, "Terraform", 0, 3, "important", 13, 36),
        (8, "Observability", 0, 2, "important", 7, 18),
    ]
    assert {s.skill for s in out.strengths} == {"Kubernetes", "Python"}
    assert (out.readiness.essential_met, out.readiness.essential_total) == (1, 4)
    # weights: 4 essential x3 + 5 important x2 + 1 nice x1 = 23; met Kubernetes (3) + Python (1).
    assert out.readiness.weighted_coverage == round(100 * 4 / 23, 1)
    assert (out.time_estimate.months_low, out.time_estimate.months_high) == (13, 36)
    docker = out.gaps[1]
    assert docker.learning[0].title == "Docker: Get started" and docker.learning[0].provided_by == "built-in"
    assert [s.matched for s in docker.learning] == ["skill", "cluster", "cluster"]
    assert all(len(g.learning) == 3 for g in out.gaps)
    # The Linux book is listed for Linux and for its cluster: suggested once.
    assert all(len({s.title for s in g.learning}) == 3 for g in out.gaps)
    assert docker.current_label == "Not held" and docker.required_label == "Proficient"
    assert "Marta Bianchi meets 1 of 4" in out.explanation


async def test_shorter_climbs_take_less_time(gap_db: Database, deps: Deps, as_person: PrincipalFactory) -> None:
    # Eve holds Docker 2; the built-in DevOps role wants Docker 3: one step (Developing → Proficient).
    out = await _gap(deps, as_person, "eve@acme.test", "DevOps Engineer")
    docker = next(g for g in out.gaps if g.skill == "Docker")
    assert (docker.current_level, docker.required_level, docker.shortfall) == (2, 3, 1)
    assert (docker.months_low, docker.months_high) == (6, 18)
    assert [g.skill for g in out.gaps[:3]] == ["CI/CD", "Kubernetes", "Linux"]  # shortfall 3 before Docker's 1
    assert out.gaps[3].skill == "Docker"


async def test_organisation_resources_come_first(gap_db: Database, deps: Deps, as_person: PrincipalFactory) -> None:
    await import_resources(
        gap_db,
        "gapres",
        RESOURCES
        + "Docker at Gapres,https://wiki.gapres.test/docker,Docker,,internal,4,Our images and registry\n"
        + "Platform guild,,,cloud_infrastructure,mentoring,,Fridays\n",
    )
    out = await _gap(deps, as_person, "ron@gapres.test", "DevOps Engineer")
    by_skill = {g.skill: g.learning for g in out.gaps}
    assert [(s.title, s.provided_by, s.matched) for s in by_skill["Docker"]] == [
        ("Docker at Gapres", "organisation", "skill"),
        ("Platform guild", "organisation", "cluster"),
        ("Docker: Get started", "built-in", "skill"),
    ]
    assert [(s.provided_by, s.matched) for s in by_skill["Linux"]] == [
        ("organisation", "cluster"),
        ("built-in", "skill"),
        ("built-in", "cluster"),
    ]
    # Another organisation never sees them.
    other = await _gap(deps, as_person, "eve@acme.test", "DevOps Engineer")
    assert all(s.provided_by == "built-in" for g in other.gaps for s in g.learning), [
        (g.skill, s.title, s.provided_by) for g in other.gaps for s in g.learning if s.provided_by != "built-in"
    ]


async def test_unlocks_the_most_roles(gap_db: Database, deps: Deps, as_person: PrincipalFactory) -> None:
    # Pia holds Alpha 3. Target gaps: Beta 0→3, Gamma 0→2, Delta 0→2, Epsilon 0→1.
    # Beta at 3 completes Role One (Alpha 3 + Beta 2), Role Two (Beta 3) and Role Nine (Beta 2): 3.
    # Gamma completes Role Three only (Role Four also needs Beta). Epsilon completes Six and Eight.
    # Delta at 2 completes nothing (Role Seven needs 3; Role Five has no essential requirement).
    out = await _gap(deps, as_person, "pia@gapunlock.test", "Glorp Target")
    assert [g.skill for g in out.gaps] == ["Glorp Beta", "Glorp Gamma", "Glorp Delta", "Glorp Epsilon"]
    assert out.unlocks is not None
    assert (out.unlocks.skill, out.unlocks.target_level, out.unlocks.roles_unlocked) == ("Glorp Beta", 3, 3)
    assert out.unlocks.example_roles == ["Role Nine", "Role One", "Role Two"]
    assert "3 roles" in out.unlocks.explanation


async def test_unlock_ties_go_to_the_more_important_skill(
    gap_db: Database, deps: Deps, as_person: PrincipalFactory
) -> None:
    # Quin holds Alpha 3 and Beta 2, so Role One and Role Nine are already within reach. Beta at 3
    # adds Role Two only; Gamma (essential) completes Role Three and Role Four; Epsilon (nice to
    # have) completes Role Six and Role Eight: a tie on count, broken by importance.
    out = await _gap(deps, as_person, "quin@gapunlock.test", "Glorp Target")
    # Both essential; Gamma's climb (0→2) is longer than Beta's (2→3), so it comes first.
    assert [g.skill for g in out.gaps] == ["Glorp Gamma", "Glorp Beta", "Glorp Delta", "Glorp Epsilon"]
    assert out.unlocks is not None
    assert (out.unlocks.skill, out.unlocks.roles_unlocked) == ("Glorp Gamma", 2)
    assert out.unlocks.example_roles == ["Role Four", "Role Three"]


async def test_no_gaps_nothing_to_unlock(gap_db: Database, deps: Deps, as_person: PrincipalFactory) -> None:
    # SALES-AE: Negotiation 3 essential; Sam has 4.
    out = await _gap(deps, as_person, "sam@acme.test", "Account Executive")
    assert out.role.org_specific
    assert out.gaps == [] and out.unlocks is None
    assert [(s.skill, s.current_level) for s in out.strengths] == [("Negotiation", 4)]
    assert (out.time_estimate.months_low, out.time_estimate.months_high) == (0, 0)
    assert out.readiness.weighted_coverage == 100.0
    assert "every requirement" in out.explanation


async def test_forbidden_person_is_refused(gap_db: Database, deps: Deps, as_person: PrincipalFactory) -> None:
    with pytest.raises(PermissionDenied):
        await _gap(deps, as_person, "marta@acme.test", "DevOps Engineer", "eve@acme.test")
    with pytest.raises(PermissionDenied):
        await _gap(deps, as_person, "nina@acme.test", "DevOps Engineer", "marta@acme.test")
    with pytest.raises(NotFound):
        await _gap(deps, as_person, "hana@acme.test", "DevOps Engineer", "otto@globex.test")


async def test_unknown_role_is_not_found(gap_db: Database, deps: Deps, as_person: PrincipalFactory) -> None:
    with pytest.raises(NotFound, match="couldn't find a role"):
        await _gap(deps, as_person, "marta@acme.test", "Qwzx Vrrbl Frobnicator")
