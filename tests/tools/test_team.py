"""team_skills over an organisation built here: Dana heads Engineering; Leo leads a platform team of
six, Uma a data team of three; Hope is HR. Known answers: Terraform is the platform team's gap (an
essential SRE skill nobody holds at 3), Kubernetes its most important single point of failure (only
Kai at 3+; Noa's level 5 is disputed and must not count)."""

from typing import Any

import pytest

from hrm.core.db import Database
from hrm.core.errors import InvalidInput, NotFound, PermissionDenied
from hrm.core.identity import principal_by_email
from hrm.tools import registry
from hrm.tools.context import Deps
from hrm.tools.org_import import import_org
from hrm.tools.team import TeamSkillsOutput
from hrm.tools.team_scope import MIN_GROUP

ORG = "teamco"

PEOPLE = """email,first_name,last_name,job_title,department,manager_email,location,role,slack_user_id
dana@teamco.test,Dana,Director,Engineering Manager,Engineering,,Berlin,manager,
hope@teamco.test,Hope,Harper,HR Business Partner,People,,Berlin,hr,
leo@teamco.test,Leo,Lead,Engineering Manager,Engineering,dana@teamco.test,Berlin,manager,
ivy@teamco.test,Ivy,Iverson,Backend Engineer,Engineering,leo@teamco.test,Berlin,employee,
jon@teamco.test,Jon,Jones,Backend Engineer,Engineering,leo@teamco.test,Berlin,employee,
kai@teamco.test,Kai,Ko,Site Reliability Engineer,Engineering,leo@teamco.test,Berlin,employee,
lia@teamco.test,Lia,Lopez,Backend Engineer,Engineering,leo@teamco.test,Berlin,employee,
max@teamco.test,Max,Meyer,Site Reliability Engineer,Engineering,leo@teamco.test,Berlin,employee,
noa@teamco.test,Noa,Novak,Backend Engineer,Engineering,leo@teamco.test,Berlin,employee,
uma@teamco.test,Uma,Ueda,Engineering Manager,Engineering,dana@teamco.test,Berlin,manager,
oli@teamco.test,Oli,Olsen,Data Scientist,Engineering,uma@teamco.test,Berlin,employee,
pia@teamco.test,Pia,Park,Data Scientist,Engineering,uma@teamco.test,Berlin,employee,
quinn@teamco.test,Quinn,Quade,Data Scientist,Engineering,uma@teamco.test,Berlin,employee,
"""

SKILLS = """email,skill,level,source
ivy@teamco.test,Python,4,self
ivy@teamco.test,PostgreSQL,3,self
ivy@teamco.test,Kubernetes,2,self
ivy@teamco.test,Docker,3,self
ivy@teamco.test,Go,1,self
jon@teamco.test,Python,3,self
jon@teamco.test,PostgreSQL,4,manager
jon@teamco.test,Go,3,self
jon@teamco.test,Docker,2,self
kai@teamco.test,Kubernetes,4,manager
kai@teamco.test,Linux,4,self
kai@teamco.test,Terraform,2,self
kai@teamco.test,Prometheus,3,self
kai@teamco.test,Docker,3,self
lia@teamco.test,Python,3,self
lia@teamco.test,PostgreSQL,3,self
lia@teamco.test,Docker,3,self
lia@teamco.test,Kubernetes,2,self
max@teamco.test,Linux,3,self
max@teamco.test,Prometheus,2,self
max@teamco.test,Kubernetes,2,self
max@teamco.test,Python,2,self
max@teamco.test,Terraform,1,self
noa@teamco.test,Python,2,self
noa@teamco.test,PostgreSQL,2,self
noa@teamco.test,Docker,3,self
noa@teamco.test,Kubernetes,5,inferred
oli@teamco.test,Python,3,self
oli@teamco.test,Machine Learning,3,self
oli@teamco.test,Statistics,4,self
pia@teamco.test,Python,4,self
pia@teamco.test,Machine Learning,4,self
quinn@teamco.test,Python,3,self
quinn@teamco.test,Statistics,3,self
leo@teamco.test,People Management,3,self
uma@teamco.test,People Management,4,self
dana@teamco.test,People Management,4,self
"""

ROLES = """role_code,title,department,level,skill,required_level,importance
BE,Backend Engineer,Engineering,mid,Python,3,essential
BE,Backend Engineer,Engineering,mid,PostgreSQL,3,essential
BE,Backend Engineer,Engineering,mid,Kubernetes,3,important
BE,Backend Engineer,Engineering,mid,Go,2,important
BE,Backend Engineer,Engineering,mid,Redis,3,important
BE,Backend Engineer,Engineering,mid,Docker,2,nice_to_have
SRE,Site Reliability Engineer,Engineering,mid,Kubernetes,4,essential
SRE,Site Reliability Engineer,Engineering,mid,Terraform,3,essential
SRE,Site Reliability Engineer,Engineering,mid,Linux,5,important
SRE,Site Reliability Engineer,Engineering,mid,Prometheus,2,important
DS,Data Scientist,Engineering,mid,Python,3,essential
DS,Data Scientist,Engineering,mid,Machine Learning,3,essential
DS,Data Scientist,Engineering,mid,Statistics,3,important
EM,Engineering Manager,Engineering,manager,People Management,3,essential
"""

PLATFORM = {"ivy", "jon", "kai", "lia", "max", "noa"}


@pytest.fixture(scope="module")
async def teamco(db: Database) -> str:
    await import_org(db, ORG, name="Teamco", people_csv=PEOPLE, skills_csv=SKILLS, roles_csv=ROLES)
    principal = await principal_by_email(db, ORG, "noa@teamco.test")
    # Noa disputes the inferred Kubernetes 5: a disputed rating must not make anyone an expert.
    async with db.org_tx(principal.org_id) as conn:
        await conn.execute(
            """UPDATE person_skills SET status = 'disputed'
               WHERE person_id = %s AND source = 'inferred'""",
            (principal.person_id,),
        )
    return ORG


async def _team(deps: Deps, db: Database, caller: str, **args: Any) -> TeamSkillsOutput:
    principal = await principal_by_email(db, caller.split("@")[1].split(".")[0], caller)
    out = await registry.call("team_skills", args, principal, deps, channel="test")
    assert isinstance(out, TeamSkillsOutput)
    return out


def _names(out: TeamSkillsOutput) -> str:
    """Everything the answer says, to check no name slipped through."""
    return out.model_dump_json()


async def test_known_gap_is_terraform(teamco: str, deps: Deps, db: Database) -> None:
    out = await _team(deps, db, "leo@teamco.test", view="coverage")
    assert out.team.named and out.team.headcount == 6
    gaps = {g.skill: g for g in out.gaps}
    assert "Terraform" in gaps and gaps["Terraform"].importance == "essential"
    assert gaps["Terraform"].required_level == 3 and gaps["Terraform"].best_level == 2
    assert [p.name for p in gaps["Terraform"].closest] == ["Kai Ko", "Max Meyer"]
    # Redis is needed by Backend Engineers and held by nobody; met requirements are not gaps.
    assert gaps["Redis"].best_level == 0 and gaps["Redis"].closest == []
    assert not {"Python", "Kubernetes", "Docker"} & set(gaps)
    # Essential before important; among important gaps the widest first (Redis: nobody; Linux 5: best is 4).
    assert [g.skill for g in out.gaps] == ["Terraform", "Redis", "Linux"]
    by_role = {c.title: c for c in out.coverage}
    assert set(by_role) == {"Backend Engineer", "Site Reliability Engineer"}
    sre = by_role["Site Reliability Engineer"]
    assert sre.holders == 2 and sre.met == 2 and sre.total == 4
    # Weighted: Kubernetes (essential, 3) and Prometheus (important, 2) met, of 3+3+2+2.
    assert sre.coverage_pct == pytest.approx(50.0)
    k8s = next(r for r in sre.requirements if r.skill == "Kubernetes")
    assert k8s.met and k8s.meeting == ["Kai Ko"]
    assert "Terraform" in out.explanation


async def test_known_single_point_of_failure_is_kubernetes(teamco: str, deps: Deps, db: Database) -> None:
    out = await _team(deps, db, "leo@teamco.test", view="spof")
    skills = [p.skill for p in out.single_points]
    # Kubernetes is essential for SREs, so it leads; Go and Prometheus are important; Linux has two holders.
    assert skills[:3] == ["Kubernetes", "Go", "Prometheus"]
    assert "Linux" not in skills and "Python" not in skills
    k8s = out.single_points[0]
    assert k8s.holder.name == "Kai Ko" and k8s.holder.level == 4 and k8s.importance == "essential"
    assert set(k8s.roles) == {"Backend Engineer", "Site Reliability Engineer"}
    assert all(b.level < 3 for b in k8s.backups) and "Noa Novak" not in {b.name for b in k8s.backups}
    assert "Kubernetes (only Kai Ko)" in out.explanation


async def test_who_knows_with_levels(teamco: str, deps: Deps, db: Database) -> None:
    out = await _team(deps, db, "leo@teamco.test", skill="postgres")
    assert out.view == "who_knows" and out.who_knows is not None
    assert [(p.name, p.level) for p in out.who_knows.people] == [
        ("Jon Jones", 4),
        ("Ivy Iverson", 3),
        ("Lia Lopez", 3),
    ]
    assert [(p.name, p.level) for p in out.who_knows.below] == [("Noa Novak", 2)]
    assert out.who_knows.level_counts == {4: 1, 3: 2, 2: 1}
    higher = await _team(deps, db, "leo@teamco.test", skill="PostgreSQL", min_level=4)
    assert higher.who_knows is not None and [p.name for p in higher.who_knows.people] == ["Jon Jones"]
    assert "Jon Jones (4)" in higher.explanation


async def test_cover_for_ranks_by_weighted_overlap(teamco: str, deps: Deps, db: Database) -> None:
    out = await _team(deps, db, "leo@teamco.test", cover_for="kai@teamco.test")
    assert out.view == "cover" and out.cover is not None
    ranked = [(c.name, c.score) for c in out.cover.candidates]
    # Kai: Kubernetes 4, Linux 4, Terraform 2, Prometheus 3, Docker 3 (16 level points).
    # Max shares 2+3+1+2 = 8; Ivy and Lia 2+3 = 5; Noa 3 (the disputed Kubernetes ignored); Jon 2.
    assert ranked == [
        ("Max Meyer", 0.5),
        ("Ivy Iverson", 0.312),
        ("Lia Lopez", 0.312),
        ("Noa Novak", 0.188),
        ("Jon Jones", 0.125),
    ]
    assert out.cover.uncovered == ["Kubernetes", "Prometheus", "Terraform"]
    assert out.explanation.startswith("Best cover for Kai Ko: Max Meyer (50% overlap")


async def test_priorities_rank_essential_gap_then_essential_single_point(teamco: str, deps: Deps, db: Database) -> None:
    out = await _team(deps, db, "leo@teamco.test", view="priorities")
    head = [(p.kind, p.skill) for p in out.priorities[:3]]
    assert head == [("gap", "Terraform"), ("single_point", "Kubernetes"), ("gap", "Redis")]
    assert "Kai Ko" in out.priorities[0].action and "hire" in out.priorities[0].action
    assert out.priorities[2].action.startswith("Hire for Redis")
    assert "pair" in out.priorities[1].action
    assert [p.rank for p in out.priorities] == list(range(1, len(out.priorities) + 1))


async def test_summary_and_matrix_cover_only_the_managers_tree(teamco: str, deps: Deps, db: Database) -> None:
    summary = await _team(deps, db, "leo@teamco.test")
    assert summary.view == "summary" and summary.team.label == "your team"
    assert summary.gaps[0].skill == "Terraform" and summary.single_points[0].skill == "Kubernetes"
    assert summary.top_skills[0].skill in {"Docker", "Python", "PostgreSQL"}
    matrix = await _team(deps, db, "leo@teamco.test", view="matrix")
    assert matrix.matrix is not None
    assert {r.email.split("@")[0] for r in matrix.matrix.rows} == PLATFORM
    kai = next(r for r in matrix.matrix.rows if r.name == "Kai Ko")
    assert kai.levels["Kubernetes"] == 4
    noa = next(r for r in matrix.matrix.rows if r.name == "Noa Novak")
    assert "Kubernetes" not in noa.levels  # disputed
    assert not {"Oli Olsen", "Dana Director", "Leo Lead"} & {r.name for r in matrix.matrix.rows}


async def test_skip_level_manager_sees_indirect_reports(teamco: str, deps: Deps, db: Database) -> None:
    out = await _team(deps, db, "dana@teamco.test", skill="Python")
    assert out.team.named and out.team.headcount == 11  # two managers and nine engineers, Hope is HR
    assert out.who_knows is not None
    names = {p.name for p in out.who_knows.people}
    assert {"Ivy Iverson", "Pia Park", "Oli Olsen"} <= names
    # Dana can ask about a sub-team by its manager.
    sub = await _team(deps, db, "dana@teamco.test", team="uma@teamco.test", view="matrix")
    assert sub.matrix is not None and {r.name for r in sub.matrix.rows} == {"Oli Olsen", "Pia Park", "Quinn Quade"}


async def test_manager_outside_their_tree_gets_counts_or_nothing(teamco: str, deps: Deps, db: Database) -> None:
    small = await _team(deps, db, "leo@teamco.test", team="Uma", skill="Python")
    assert not small.team.named and small.team.headcount is None and small.who_knows is None
    assert "fewer than 5" in small.explanation and "Oli" not in _names(small)
    with pytest.raises(PermissionDenied):
        await _team(deps, db, "leo@teamco.test", team="Uma", view="matrix")
    dept = await _team(deps, db, "leo@teamco.test", team="engineering", skill="Python")
    assert not dept.team.named and dept.team.headcount == 12
    assert dept.who_knows is not None and dept.who_knows.people == [] and dept.who_knows.below == []
    assert dept.privacy_note is not None and "7 of the 12" in dept.privacy_note  # himself and his six reports


async def test_employee_gets_anonymous_counts_only_over_five_people(teamco: str, deps: Deps, db: Database) -> None:
    # Default for an employee: their own department, as counts.
    out = await _team(deps, db, "ivy@teamco.test", skill="Kubernetes")
    assert out.team.label == "the Engineering department" and not out.team.named
    assert out.who_knows is not None
    assert out.who_knows.count_at_or_above == 1 and out.who_knows.count_holding == 4
    assert out.who_knows.people == [] and out.who_knows.level_counts is None  # fewer than 5 hold it
    python = await _team(deps, db, "ivy@teamco.test", team="Engineering", skill="Python")
    assert python.who_knows is not None and python.who_knows.count_holding >= MIN_GROUP
    assert python.who_knows.level_counts == {4: 2, 3: 4, 2: 2}
    everything = _names(out) + _names(python)
    for other in ("Kai", "Max", "Lia", "Pia", "kai@teamco.test"):
        assert other not in everything
    small = await _team(deps, db, "ivy@teamco.test", team="uma@teamco.test", skill="Python")
    assert small.who_knows is None and small.team.headcount is None and "privacy" in small.explanation.lower()
    assert "fewer than 5" in small.explanation
    for view in ("matrix", "spof", "priorities"):
        with pytest.raises(PermissionDenied):
            await _team(deps, db, "ivy@teamco.test", team="Engineering", view=view)
    with pytest.raises(PermissionDenied):
        await _team(deps, db, "ivy@teamco.test", team="Engineering", cover_for="kai@teamco.test")


async def test_employee_aggregate_coverage_hides_small_roles(teamco: str, deps: Deps, db: Database) -> None:
    out = await _team(deps, db, "ivy@teamco.test", view="coverage")
    # Four Backend Engineers, two SREs, three Data Scientists, three managers: none reaches five.
    assert out.coverage == [] and out.roles_not_shown == 4
    assert f"at least {MIN_GROUP} people hold" in out.explanation
    assert "Kai" not in _names(out)


async def test_employee_sees_themselves_by_name(teamco: str, deps: Deps, db: Database) -> None:
    out = await _team(deps, db, "ivy@teamco.test", team="me", view="matrix")
    assert out.team.named and out.matrix is not None
    assert [r.name for r in out.matrix.rows] == ["Ivy Iverson"]
    assert out.matrix.rows[0].levels["Python"] == 4


async def test_hr_sees_the_organisation_and_no_other_tenant(teamco: str, deps: Deps, db: Database) -> None:
    out = await _team(deps, db, "hope@teamco.test", view="matrix", limit=200)
    assert out.team.kind == "organisation" and out.team.named and out.team.headcount == 13
    assert out.matrix is not None
    emails = {r.email for r in out.matrix.rows}
    assert emails == {r.email for r in out.matrix.rows if r.email.endswith("@teamco.test")}
    assert "kai@teamco.test" in emails
    spof = await _team(deps, db, "hope@teamco.test", view="spof")
    # Org-wide, Machine Learning has two holders at 3+ (Oli, Pia) and Kubernetes still one.
    skills = {p.skill for p in spof.single_points}
    assert "Kubernetes" in skills and "Machine Learning" not in skills
    for person in ("marta@acme.test", "otto@globex.test", "Marta"):
        with pytest.raises(NotFound):
            await _team(deps, db, "hope@teamco.test", team=person)


async def test_acme_cannot_reach_teamco(teamco: str, deps: Deps, db: Database) -> None:
    out = await _team(deps, db, "hana@acme.test", skill="Kubernetes")
    assert "teamco" not in _names(out) and "Kai" not in _names(out)
    with pytest.raises(NotFound):
        await _team(deps, db, "hana@acme.test", team="Leo Lead")


async def test_bad_arguments_are_explained(teamco: str, deps: Deps, db: Database) -> None:
    with pytest.raises(NotFound) as unknown:
        await _team(deps, db, "leo@teamco.test", skill="Qwzx Frobnication")
    assert "couldn't find a skill" in unknown.value.message
    with pytest.raises(InvalidInput):
        await _team(deps, db, "leo@teamco.test", view="who_knows")
    with pytest.raises(InvalidInput):
        await _team(deps, db, "leo@teamco.test", view="cover")
    with pytest.raises(InvalidInput):
        await _team(deps, db, "leo@teamco.test", skill="")
    with pytest.raises(InvalidInput):
        await _team(deps, db, "leo@teamco.test", min_level=7)
    with pytest.raises(NotFound):
        await _team(deps, db, "leo@teamco.test", team="Marketing Wizards")
    with pytest.raises(InvalidInput):
        await _team(deps, db, "leo@teamco.test", team="ivy@teamco.test")  # nobody reports to Ivy
    with pytest.raises(PermissionDenied):
        await _team(deps, db, "leo@teamco.test", cover_for="oli@teamco.test")  # not Leo's report
