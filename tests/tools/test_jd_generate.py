"""generate_job_description: grounded in the catalogue, the organisation's roles and settings, the
free-text request; checks; permissions; storage."""

import json
from collections.abc import AsyncIterator
from uuid import UUID

import pytest

from hrm.core.db import Database
from hrm.core.errors import NotFound, PermissionDenied
from hrm.tools import catalog, registry
from hrm.tools.context import Deps
from hrm.tools.jd_tools import JDResult
from hrm.tools.org_import import import_org
from tests.conftest import PrincipalFactory

ORG = "jdgen"
PEOPLE = (
    "email,first_name,last_name,job_title,department,manager_email,location,role,slack_user_id\n"
    "hal@jdgen.test,Hal,Hart,HR Partner,People,,Berlin,hr,\n"
    "ann@jdgen.test,Ann,Adler,Senior Data Engineer,Data,,Berlin,employee,\n"
    "ben@jdgen.test,Ben,Brandt,Senior Data Engineer,Data,,Berlin,employee,\n"
    "mo@jdgen.test,Mo,Marx,Data Manager,Data,,Berlin,manager,\n"
)
SKILLS = (
    "email,skill,level,source\n"
    "ann@jdgen.test,Python,5,self\nann@jdgen.test,SQL,4,self\nann@jdgen.test,Apache Spark,3,self\n"
    "ben@jdgen.test,Python,3,self\nben@jdgen.test,SQL,5,manager\n"
)
SETTINGS = {
    "job_descriptions": {
        "about_us": "Jdgen builds logistics software.",
        "benefits": ["30 days of paid leave", "Learning budget"],
        "salary_bands": [
            {"role": "Senior Data Engineer", "min": 70000, "max": 90000, "currency": "EUR"},
            {"role": "Senior Data Engineer", "location": "Berlin", "min": 75000, "max": 95000, "currency": "EUR"},
        ],
        "time_to_fill_days": {"Senior Data Engineer": 45},
    }
}


@pytest.fixture(scope="module")
async def jd_db(db: Database) -> AsyncIterator[Database]:
    await import_org(db, ORG, name="Jdgen", people_csv=PEOPLE, skills_csv=SKILLS)
    async with db.org_tx(None) as conn:
        cur = await conn.execute("SELECT hrm_resolve_org(%s) AS id", (ORG,))
        org_id = (await cur.fetchone())["id"]  # type: ignore[index]
    async with db.org_tx(org_id) as conn:
        await conn.execute("UPDATE organizations SET settings = %s::jsonb", (json.dumps(SETTINGS),))
    yield db


async def generate(deps: Deps, as_person: PrincipalFactory, email: str, **args: object) -> JDResult:
    out = await registry.call("generate_job_description", args, await as_person(email), deps, channel="test")
    assert isinstance(out, JDResult)
    return out


async def test_senior_data_engineer_is_grounded_in_the_catalogue(
    jd_db: Database, deps: Deps, as_person: PrincipalFactory
) -> None:
    out = await generate(
        deps, as_person, "hal@jdgen.test", title="senior data engineer", location="Berlin", reports_to="Head of Data"
    )
    jd = out.job_description
    async with jd_db.org_tx(None) as conn:
        role = await catalog.resolve_role(conn, deps.embedder, "Senior Data Engineer")
        reqs = (await catalog.requirements(conn, [role.id]))[role.id]
    assert jd.role_id == role.id and jd.title == "Senior Data Engineer" and jd.level == "senior"
    by_id = {s.skill_id: s for s in jd.skills}
    assert set(by_id) == {r.skill_id for r in reqs}
    for r in reqs:
        assert by_id[r.skill_id].importance == r.importance
        assert by_id[r.skill_id].required_level == r.required_level
        assert by_id[r.skill_id].source == "catalogue_role"
    assert jd.summary and jd.responsibilities and jd.qualifications
    assert jd.benefits == ["30 days of paid leave", "Learning budget"] and jd.sources["benefits"] == "org_settings"
    # The Berlin band is more specific than the general one.
    assert (jd.salary.available, jd.salary.min, jd.salary.max) == (True, 75000, 95000)
    assert jd.market.time_to_fill_days == 45 and jd.market.demand
    assert not {t.lower() for t in jd.market.trending_skills} & {s.name.lower() for s in jd.skills}
    assert "# Senior Data Engineer" in out.markdown and "Head of Data" in out.markdown


async def test_reality_check_counts_current_holders(jd_db: Database, deps: Deps, as_person: PrincipalFactory) -> None:
    out = await generate(deps, as_person, "hal@jdgen.test", title="Senior Data Engineer")
    assert out.reality.holders == 2
    rows = {r.name: r for r in out.reality.skills}
    assert rows["Python"].holders_meeting == 1 and rows["Python"].holders_with_skill == 2
    assert rows["SQL"].holders_meeting == 2
    assert rows["Apache Spark"].holders_meeting == 0  # Ann has it at 3, the role asks 4
    assert "Apache Spark" in out.reality.unmet and "Python" not in out.reality.unmet


async def test_free_text_requirements_add_skills_and_keep_other_lines(
    jd_db: Database, deps: Deps, as_person: PrincipalFactory
) -> None:
    out = await generate(
        deps,
        as_person,
        "hal@jdgen.test",
        title="Data Engineer",
        level="senior",
        key_requirements="Kubernetes as essential, German at proficient level, on-call one week a month",
    )
    jd = out.job_description
    assert jd.title == "Senior Data Engineer"
    kube = next(s for s in jd.skills if s.name == "Kubernetes")
    assert (kube.importance, kube.source) == ("essential", "request")
    german = next(s for s in jd.skills if s.name == "German")
    assert german.required_level == 3 and german.importance == "important"
    assert jd.requirement_notes == ["on-call one week a month"]
    assert any("On-call one week a month" in q for q in jd.qualifications)


async def test_no_salary_data_is_said_not_invented(jd_db: Database, deps: Deps, as_person: PrincipalFactory) -> None:
    out = await generate(deps, as_person, "hal@jdgen.test", title="UX Designer")
    assert not out.job_description.salary.available and out.job_description.salary.min is None
    assert "No salary data" in out.markdown
    assert out.job_description.market.time_to_fill_days is None


async def test_biased_input_is_flagged(jd_db: Database, deps: Deps, as_person: PrincipalFactory) -> None:
    out = await generate(
        deps,
        as_person,
        "hal@jdgen.test",
        title="Software Engineer",
        key_requirements="aggressive rockstar coder, digital native, computer science degree",
    )
    kinds = {(f.kind, f.phrase) for f in out.inclusive.flags}
    assert ("masculine_coded", "aggressive") in kinds
    assert ("jargon", "rockstar") in kinds
    assert ("age_coded", "digital native") in kinds
    assert any(k == "degree" for k, _ in kinds)
    assert out.job_description.degree_required


async def test_clean_request_has_no_degree_or_jargon_flags(
    jd_db: Database, deps: Deps, as_person: PrincipalFactory
) -> None:
    out = await generate(deps, as_person, "hal@jdgen.test", title="Senior Data Engineer")
    assert not [f for f in out.inclusive.flags if f.kind in ("degree", "jargon", "age_coded", "too_many_essentials")]


async def test_stored_as_version_one(jd_db: Database, deps: Deps, as_person: PrincipalFactory) -> None:
    principal = await as_person("hal@jdgen.test")
    out = await generate(deps, as_person, "hal@jdgen.test", title="Data Analyst")
    async with jd_db.org_tx(principal.org_id) as conn:
        cur = await conn.execute(
            "SELECT version, title, role_id, content FROM job_descriptions WHERE jd_group = %s", (out.jd_id,)
        )
        rows = await cur.fetchall()
    assert len(rows) == 1 and rows[0]["version"] == 1 and out.version == 1
    assert rows[0]["content"]["title"] == out.job_description.title == rows[0]["title"]
    assert isinstance(out.jd_id, UUID)


async def test_only_hr_and_admins_may_generate(jd_db: Database, deps: Deps, as_person: PrincipalFactory) -> None:
    for email in ("mo@jdgen.test", "ann@jdgen.test"):
        with pytest.raises(PermissionDenied):
            await generate(deps, as_person, email, title="Data Engineer")
    out = await generate(deps, as_person, "ada@acme.test", title="Data Engineer")  # an admin elsewhere
    assert out.job_description.organization_name == "Acme"


async def test_unknown_title_is_not_found(jd_db: Database, deps: Deps, as_person: PrincipalFactory) -> None:
    with pytest.raises(NotFound):
        await generate(deps, as_person, "hal@jdgen.test", title="zzqx flibber")
