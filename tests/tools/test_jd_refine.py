"""refine_job_description, versions and export: each edit changes what it says, versions are kept,
unsupported edits create nothing."""

from uuid import uuid4

import pytest

from hrm.core.db import Database
from hrm.core.errors import InvalidInput, NotFound, PermissionDenied
from hrm.tools import registry
from hrm.tools.context import Deps
from hrm.tools.jd.refine import parse
from hrm.tools.jd_tools import ExportJDOutput, JDResult, JDVersionsOutput, RefineResult
from tests.conftest import PrincipalFactory

HR = "hana@acme.test"


async def call(deps: Deps, as_person: PrincipalFactory, name: str, email: str = HR, **args: object) -> object:
    return await registry.call(name, args, await as_person(email), deps, channel="test")


async def new_jd(deps: Deps, as_person: PrincipalFactory, **args: object) -> JDResult:
    out = await registry.call(
        "generate_job_description", {"title": "Data Engineer"} | args, await as_person(HR), deps, channel="test"
    )
    assert isinstance(out, JDResult)
    return out


async def refine(deps: Deps, as_person: PrincipalFactory, jd: JDResult, instruction: str) -> RefineResult:
    out = await call(deps, as_person, "refine_job_description", jd_id=str(jd.jd_id), instruction=instruction)
    assert isinstance(out, RefineResult)
    return out


def test_parse_splits_joined_edits_and_declines_others() -> None:
    kinds = [e.kind for e in parse("make it more senior, add Kubernetes as essential and shorter")]
    assert kinds == ["seniority", "add_skill", "length"]
    assert [e.kind for e in parse("add Kubernetes and Docker as essential")] == ["add_skill"]
    with pytest.raises(InvalidInput, match="translate"):
        parse("translate to German")


async def test_three_turns_each_change_what_they_say(db: Database, deps: Deps, as_person: PrincipalFactory) -> None:
    v1 = await new_jd(deps, as_person, location="Berlin")
    before = {s.skill_id: s.required_level for s in v1.job_description.skills}

    v2 = await refine(deps, as_person, v1, "make it more senior")
    jd2 = v2.job_description
    assert (v2.version, v2.previous_version) == (2, 1)
    assert (jd2.level, jd2.title) == ("senior", "Senior Data Engineer")
    assert all(s.required_level == min(5, before[s.skill_id] + 1) for s in jd2.skills)
    assert "Level: mid → senior" in v2.changes and "+# Senior Data Engineer" in v2.diff

    v3 = await refine(deps, as_person, v2, "add Kubernetes as essential")
    kube = [s for s in v3.job_description.skills if s.name == "Kubernetes"]
    assert kube and kube[0].importance == "essential" and kube[0].source == "refinement"
    assert any(c.startswith("Added Kubernetes (essential") for c in v3.changes)

    v4 = await refine(deps, as_person, v3, "shorter")
    assert v4.job_description.length == "short"
    assert len(v4.markdown) < len(v3.markdown)
    assert len(v4.job_description.responsibilities) <= len(v3.job_description.responsibilities)

    versions = await call(deps, as_person, "list_job_description_versions", jd_id=str(v1.jd_id))
    assert isinstance(versions, JDVersionsOutput)
    assert [v.version for v in versions.versions] == [1, 2, 3, 4]
    assert versions.versions[0].title == "Data Engineer" and versions.versions[-1].title == "Senior Data Engineer"


async def test_location_tone_degree_and_removal(db: Database, deps: Deps, as_person: PrincipalFactory) -> None:
    v1 = await new_jd(deps, as_person, key_requirements="Bachelor's degree in computer science")
    assert v1.job_description.degree_required
    v2 = await refine(deps, as_person, v1, "remove the degree requirement and change location to Milan")
    assert not v2.job_description.degree_required and v2.job_description.location == "Milan"
    assert "degree" not in v2.markdown.lower()
    assert not [f for f in v2.inclusive.flags if f.kind == "degree"]
    v3 = await refine(deps, as_person, v2, "friendlier tone please")
    assert v3.job_description.tone == "friendly" and "What you'll do" in v3.markdown
    v4 = await refine(deps, as_person, v3, "remove Apache Airflow")
    assert "Apache Airflow" not in {s.name for s in v4.job_description.skills}
    assert "Removed Apache Airflow" in v4.changes
    v5 = await refine(deps, as_person, v4, "make Docker essential")
    assert next(s for s in v5.job_description.skills if s.name == "Docker").importance == "essential"


async def test_unsupported_edits_are_declined_without_a_version(
    db: Database, deps: Deps, as_person: PrincipalFactory
) -> None:
    v1 = await new_jd(deps, as_person)
    for instruction in ("translate to German", "remove Haskell", "add Glorbnax as essential"):
        with pytest.raises(InvalidInput):
            await refine(deps, as_person, v1, instruction)
    versions = await call(deps, as_person, "list_job_description_versions", jd_id=str(v1.jd_id))
    assert isinstance(versions, JDVersionsOutput) and len(versions.versions) == 1


async def test_export_formats_and_versions(db: Database, deps: Deps, as_person: PrincipalFactory) -> None:
    v1 = await new_jd(deps, as_person, key_requirements="<script>alert(1)</script> attitude")
    await refine(deps, as_person, v1, "more senior")
    md = await call(deps, as_person, "export_job_description", jd_id=str(v1.jd_id), format="markdown", version=1)
    assert isinstance(md, ExportJDOutput) and md.version == 1 and md.content.startswith("# Data Engineer")
    assert "Hiring notes" not in md.content
    html = await call(deps, as_person, "export_job_description", jd_id=str(v1.jd_id), format="html")
    assert isinstance(html, ExportJDOutput) and html.version == 2 and "<h1>Senior Data Engineer</h1>" in html.content
    assert "<script>" not in html.content and "&lt;script&gt;" in html.content
    js = await call(deps, as_person, "export_job_description", jd_id=str(v1.jd_id), format="json")
    assert isinstance(js, ExportJDOutput) and '"level": "senior"' in js.content and js.media_type == "application/json"


async def test_other_organisations_and_roles_cannot_touch_a_jd(
    db: Database, deps: Deps, as_person: PrincipalFactory
) -> None:
    v1 = await new_jd(deps, as_person)
    with pytest.raises(NotFound):  # row-level security: globex cannot see acme's JD
        await call(
            deps, as_person, "refine_job_description", "gina@globex.test", jd_id=str(v1.jd_id), instruction="shorter"
        )
    with pytest.raises(PermissionDenied):
        await call(
            deps, as_person, "refine_job_description", "mike@acme.test", jd_id=str(v1.jd_id), instruction="shorter"
        )
    with pytest.raises(NotFound):
        await call(deps, as_person, "export_job_description", jd_id=str(uuid4()))
