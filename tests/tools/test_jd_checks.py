"""Inclusive-language check, rendering and the LLM polish post-check (with a scripted fake model)."""

import json
from typing import Any

import pytest
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from hrm.core.db import Database
from hrm.tools.context import Deps
from hrm.tools.jd import inclusive, render
from hrm.tools.jd.builder import JDRequest, build
from hrm.tools.jd.compose import compose
from hrm.tools.jd.model import JobDescription
from hrm.tools.jd.polish import polish
from tests.conftest import PrincipalFactory


@pytest.fixture
async def jd(db: Database, deps: Deps, as_person: PrincipalFactory) -> JobDescription:
    principal = await as_person("hana@acme.test")
    async with db.org_tx(principal.org_id) as conn:
        return await build(conn, deps.embedder, JDRequest(title="Senior Data Engineer", location="Berlin"))


def fake(*replies: str) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter([AIMessage(content=r) for r in replies]))


def test_gender_coded_words_from_the_published_list(jd: JobDescription) -> None:
    biased = jd.model_copy(update={"requirement_notes": ["A dominant, competitive and fearless self-starter"]})
    report = inclusive.check(compose(biased))
    masculine = {f.phrase for f in report.flags if f.kind == "masculine_coded"}
    assert {"dominant", "competitive", "fearless"} <= masculine
    assert any(f.kind == "jargon" and f.phrase == "self-starter" for f in report.flags)
    assert report.masculine_count >= 3 and report.warnings >= 4
    clean = inclusive.check(jd)
    assert not {"dominant", "competitive", "fearless"} & {f.phrase for f in clean.flags}


def test_skill_names_and_title_are_not_flagged(jd: JobDescription) -> None:
    lead = jd.model_copy(update={"title": "Lead Data Engineer"})
    assert "lead" not in {f.phrase for f in inclusive.check(lead).flags}


def test_too_many_essentials_is_flagged(jd: JobDescription) -> None:
    skills = [
        s.model_copy(update={"importance": "essential", "skill_id": 10_000 + i}) for i, s in enumerate(jd.skills * 2)
    ]
    report = inclusive.check(jd.model_copy(update={"skills": skills}))
    assert len(skills) > inclusive.MAX_ESSENTIAL
    assert any(f.kind == "too_many_essentials" for f in report.flags)
    assert not any(f.kind == "too_many_essentials" for f in inclusive.check(jd).flags)


def test_degree_with_equivalent_experience_is_not_flagged(jd: JobDescription) -> None:
    flagged = jd.model_copy(update={"qualifications": ["A bachelor's degree in computer science."]})
    fine = jd.model_copy(update={"qualifications": ["A degree, or equivalent practical experience."]})
    assert any(f.kind == "degree" for f in inclusive.check(flagged).flags)
    assert not any(f.kind == "degree" for f in inclusive.check(fine).flags)


def test_renderings_carry_every_section(jd: JobDescription) -> None:
    md = render.markdown(jd)
    for heading in ("About us", "The role", "Responsibilities", "Qualifications", "Skills", "Salary", "Benefits"):
        assert f"## {heading}" in md
    assert "Hiring notes (internal)" in md and "Hiring notes" not in render.markdown(jd, internal=False)
    friendly = render.markdown(jd.model_copy(update={"tone": "friendly"}))
    assert "## What you'll do" in friendly
    html = render.html(jd.model_copy(update={"summary": "<b>bold</b> & co"}))
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in html
    data = json.loads(render.as_json(jd))
    assert data["title"] == jd.title and len(data["skills"]) == len(jd.skills)


def test_slack_blocks_have_buttons_only_for_stored_jds(jd: JobDescription) -> None:
    assert not [b for b in render.slack_blocks(jd) if b["type"] == "actions"]
    blocks = render.slack_blocks(jd, jd_id="abc", version=2)
    actions = next(b for b in blocks if b["type"] == "actions")
    ids = {e["action_id"] for e in actions["elements"]}
    assert ids == {"jd_export_markdown", "jd_export_html", "jd_export_json", "jd_save"}
    assert json.loads(actions["elements"][0]["value"]) == {"jd_id": "abc", "version": 2}
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")


async def _polish(db: Database, as_person: PrincipalFactory, jd: JobDescription, reply: dict[str, Any] | str) -> Any:
    principal = await as_person("hana@acme.test")
    text = reply if isinstance(reply, str) else json.dumps(reply)
    async with db.org_tx(principal.org_id) as conn:
        return await polish(conn, jd, fake(text))


async def test_polish_applies_a_faithful_rewrite(db: Database, as_person: PrincipalFactory, jd: JobDescription) -> None:
    items = [r.replace(".", " every day.") for r in jd.responsibilities]
    out = await _polish(
        db, as_person, jd, {"summary": "A better summary for the Senior Data Engineer.", "responsibilities": items}
    )
    assert out.applied and out.job_description.summary.startswith("A better summary")
    assert out.job_description.skills == jd.skills


async def test_polish_rejects_new_skills_figures_and_degrees(
    db: Database, as_person: PrincipalFactory, jd: JobDescription
) -> None:
    base: dict[str, Any] = {"summary": jd.summary, "responsibilities": jd.responsibilities}
    cases: list[tuple[dict[str, Any] | str, str]] = [
        (base | {"summary": jd.summary + " Kubernetes experience required."}, "skills"),
        (base | {"summary": jd.summary + " At least 12 years in the field."}, "figures"),
        (base | {"summary": jd.summary + " A master's degree is expected."}, "degree"),
        (base | {"responsibilities": [*jd.responsibilities, "Extra duty."]}, "responsibilities"),
        ("not json at all", "JSON"),
    ]
    for reply, reason in cases:
        out = await _polish(db, as_person, jd, reply)
        assert not out.applied and reason in out.reason
        assert out.job_description == jd  # the template text stands


async def test_generation_uses_the_configured_writer_and_keeps_the_template_when_it_invents(
    deps: Deps, as_person: PrincipalFactory
) -> None:
    from dataclasses import replace

    from hrm.tools import registry
    from hrm.tools.jd_tools import JDResult

    hana = await as_person("hana@acme.test")
    args = {"title": "Senior Data Engineer", "location": "Berlin"}
    plain = await registry.call("generate_job_description", args, hana, deps, channel="test")
    assert isinstance(plain, JDResult) and plain.polish is None  # no model: the template is the answer
    faithful = {
        "summary": "Join us as a Senior Data Engineer and shape our data platform.",
        "responsibilities": plain.job_description.responsibilities,
    }
    polished = await registry.call(
        "generate_job_description", args, hana, replace(deps, writer=fake(json.dumps(faithful))), channel="test"
    )
    assert isinstance(polished, JDResult) and polished.polish == "polished"
    assert polished.job_description.summary.startswith("Join us")
    inventing = {**faithful, "summary": "Senior Data Engineer with 10 years of Rust and a PhD."}
    kept = await registry.call(
        "generate_job_description", args, hana, replace(deps, writer=fake(json.dumps(inventing))), channel="test"
    )
    assert isinstance(kept, JDResult) and kept.polish is not None and kept.polish.startswith("rewrite rejected")
    assert kept.job_description.summary == plain.job_description.summary
