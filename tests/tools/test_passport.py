"""The skill passport: stored inferences with evidence, verdicts, assessments and history."""

import pytest

from hrm.core.errors import InvalidInput, PermissionDenied
from hrm.tools import registry
from hrm.tools.context import Deps
from hrm.tools.infer import InferSkillsOutput
from hrm.tools.passport import UpdateSkillOutput
from hrm.tools.profile import GetProfileOutput
from tests.conftest import PrincipalFactory

EVE_CV = """Eve Novak

Experience
Software Engineer, Acme — 2021 – Present
- Built the customer portal in TypeScript and React, deployed with Docker.

Skills
TypeScript, React, Docker
"""


async def _call(deps: Deps, who: str, as_person: PrincipalFactory, tool: str, args: dict[str, object]) -> object:
    return await registry.call(tool, args, await as_person(who), deps, channel="test")


async def _profile(deps: Deps, as_person: PrincipalFactory, who: str) -> GetProfileOutput:
    out = await _call(deps, who, as_person, "get_profile", {})
    assert isinstance(out, GetProfileOutput)
    return out


async def test_inferred_skills_are_stored_beside_what_people_said(deps: Deps, as_person: PrincipalFactory) -> None:
    before = {s.name: s for s in (await _profile(deps, as_person, "eve@acme.test")).skills}
    out = await _call(
        deps, "eve@acme.test", as_person, "infer_skills",
        {"documents": [{"file": "eve.txt", "text": EVE_CV}], "save_for": "me"},
    )  # fmt: skip
    assert isinstance(out, InferSkillsOutput) and out.saved_for == "Eve Novak"
    after = {s.name: s for s in (await _profile(deps, as_person, "eve@acme.test")).skills}
    assert {"TypeScript", "React"} <= set(after)
    assert after["TypeScript"].status == "inferred" and after["TypeScript"].sources == ["inferred"]
    # Her own rating of Docker stays the one shown; the inference sits beside it.
    assert after["Docker"].level == before["Docker"].level and after["Docker"].sources == ["self", "inferred"]
    eve = await as_person("eve@acme.test")
    async with deps.db.org_tx(eve.org_id) as conn:
        cur = await conn.execute(
            """SELECT e.quote, e.start_offset, e.end_offset, d.text FROM evidence e
               JOIN documents d ON d.id = e.document_id JOIN person_skills ps ON ps.id = e.person_skill_id
               JOIN skills s ON s.id = ps.skill_id WHERE ps.person_id = %s AND s.name = 'TypeScript'""",
            (eve.person_id,),
        )
        rows = await cur.fetchall()
    assert rows and all(r["text"][r["start_offset"] : r["end_offset"]] == r["quote"] for r in rows)


async def test_confirm_dispute_and_history(deps: Deps, as_person: PrincipalFactory) -> None:
    await _call(
        deps, "eve@acme.test", as_person, "infer_skills",
        {"documents": [{"file": "eve.txt", "text": EVE_CV}], "save_for": "me"},
    )  # fmt: skip
    confirmed = await _call(
        deps, "eve@acme.test", as_person, "update_skill", {"skill": "TypeScript", "action": "confirm"}
    )
    assert isinstance(confirmed, UpdateSkillOutput) and confirmed.skill.status == "confirmed"
    with pytest.raises(InvalidInput, match="why"):
        await _call(deps, "eve@acme.test", as_person, "update_skill", {"skill": "React", "action": "dispute"})
    disputed = await _call(
        deps, "eve@acme.test", as_person, "update_skill",
        {"skill": "React", "action": "dispute", "reason": "only a tutorial"},
    )  # fmt: skip
    assert isinstance(disputed, UpdateSkillOutput) and disputed.skill.status == "disputed"
    # Inferring again updates the level but keeps her verdict.
    await _call(
        deps, "eve@acme.test", as_person, "infer_skills",
        {"documents": [{"file": "eve.txt", "text": EVE_CV}], "save_for": "me"},
    )  # fmt: skip
    after = {s.name: s for s in (await _profile(deps, as_person, "eve@acme.test")).skills}
    assert after["React"].status == "disputed" and after["TypeScript"].status == "confirmed"
    assessed = await _call(
        deps, "eve@acme.test", as_person, "update_skill", {"skill": "React", "action": "self_assess", "level": 2}
    )
    assert isinstance(assessed, UpdateSkillOutput) and assessed.history_entries >= 4


async def test_who_may_change_what(deps: Deps, as_person: PrincipalFactory) -> None:
    with pytest.raises(PermissionDenied):  # an employee cannot store inferences for a colleague
        await _call(
            deps, "sam@acme.test", as_person, "infer_skills",
            {"documents": [{"file": "x.txt", "text": EVE_CV}], "save_for": "luca@acme.test"},
        )  # fmt: skip
    with pytest.raises(PermissionDenied):  # nor assess a colleague
        await _call(
            deps, "sam@acme.test", as_person, "update_skill",
            {"skill": "SQL", "action": "manager_assess", "level": 5, "person": "luca@acme.test"},
        )  # fmt: skip
    with pytest.raises(PermissionDenied):  # a manager cannot self-assess on a report's behalf
        await _call(
            deps, "mike@acme.test", as_person, "update_skill",
            {"skill": "SQL", "action": "self_assess", "level": 5, "person": "luca@acme.test"},
        )  # fmt: skip
    out = await _call(
        deps, "mike@acme.test", as_person, "update_skill",
        {"skill": "SQL", "action": "manager_assess", "level": 3, "person": "luca@acme.test"},
    )  # fmt: skip
    assert isinstance(out, UpdateSkillOutput) and out.skill.sources[0] == "manager" and out.skill.level == 3
