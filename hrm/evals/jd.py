"""The job-description eval: requests written for the project (``data/jd_requests.jsonl``), each
generated in a dedicated evaluation organisation and checked, then refined turn by turn.

Checks: every essential skill of the resolved role is in the JD; no skill outside the role and the
request (and the refinements' own words); every section present; the seeded biased words flagged
and no jargon, age-coded or degree flags on clean requests; each refinement changes what it says
and nothing else; unsupported refinements declined without a new version.
"""

import json
from importlib import resources
from typing import Any

from hrm.core.db import Database
from hrm.core.errors import HRMError, InvalidInput
from hrm.core.identity import principal_by_email
from hrm.core.principals import Principal
from hrm.retrieval.embeddings import Embedder
from hrm.tools import catalog, registry
from hrm.tools.context import Deps
from hrm.tools.jd.mentions import skills_in_text
from hrm.tools.jd.model import JobDescription
from hrm.tools.jd_tools import JDResult, JDVersionsOutput, RefineResult
from hrm.tools.org_import import import_org

EVAL_ORG = "jd-eval"
HR_EMAIL = "hr@jd-eval.test"
PEOPLE = (
    "email,first_name,last_name,job_title,department,manager_email,location,role,slack_user_id\n"
    f"{HR_EMAIL},Eval,Recruiter,HR Business Partner,People,,Berlin,hr,\n"
    "de1@jd-eval.test,Dana,Eng,Senior Data Engineer,Data,,Berlin,employee,\n"
)
SKILLS = "email,skill,level,source\nde1@jd-eval.test,Python,4,self\nde1@jd-eval.test,SQL,4,self\n"
SECTIONS = ("About us", "The role", "Responsibilities", "Qualifications", "Skills", "Salary", "Benefits")
FRIENDLY_SECTIONS = ("Who we are", "About the role", "What you'll do", "What you'll bring")
FLAG_KINDS = ("masculine_coded", "jargon", "age_coded", "degree")
# State fields each kind of edit may change; a refinement touching anything else fails.
ALLOWED = {
    "level": {"level", "title", "skill_levels"},
    "skill": {"skills", "skill_levels", "importance"},
    "removed": {"skills", "skill_levels", "importance"},
    "length": {"length"},
    "location": {"location", "salary"},
    "tone": {"tone"},
    "degree_required": {"degree_required", "notes"},
}


def load_requests() -> list[dict[str, Any]]:
    text = resources.files("hrm.evals").joinpath("data/jd_requests.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _state(jd: JobDescription) -> dict[str, Any]:
    return {
        "level": jd.level,
        "title": jd.title,
        "location": jd.location,
        "tone": jd.tone,
        "length": jd.length,
        "degree_required": jd.degree_required,
        "notes": tuple(jd.requirement_notes),
        "skills": frozenset(s.skill_id for s in jd.skills),
        "skill_levels": tuple(sorted((s.skill_id, s.required_level) for s in jd.skills)),
        "importance": tuple(sorted((s.skill_id, s.importance) for s in jd.skills)),
        "salary": jd.salary.model_dump_json(),
    }


def _changed(old: JobDescription, new: JobDescription) -> set[str]:
    a, b = _state(old), _state(new)
    return {k for k in a if a[k] != b[k]}


def _expectation_holds(jd: JobDescription, expect: dict[str, Any]) -> bool:
    skills = {s.name.lower(): s for s in jd.skills}
    for key, value in expect.items():
        if key == "skill":
            found = skills.get(str(value).lower())
            if found is None:
                return False
            if "importance" in expect and found.importance != expect["importance"]:
                return False
            if "skill_level" in expect and found.required_level != expect["skill_level"]:
                return False
        elif key == "removed":
            if str(value).lower() in skills:
                return False
        elif key in ("level", "location", "tone", "length", "degree_required") and getattr(jd, key) != value:
            return False
    return True


def _allowed(expect: dict[str, Any]) -> set[str]:
    out: set[str] = set()
    for key in expect:
        out |= ALLOWED.get(key, set())
    if "level" in expect:
        out.add("salary")  # a band may be level-specific
    return out


def _sections_present(markdown: str, jd: JobDescription) -> bool:
    headings = SECTIONS if jd.tone == "formal" else FRIENDLY_SECTIONS
    return (
        all(f"## {h}" in markdown for h in headings)
        and bool(jd.summary and jd.responsibilities and jd.qualifications and jd.skills)
        and bool(jd.benefits and jd.eeo_statement and jd.about_us)
        and (jd.salary.available or bool(jd.salary.note))
        and "Hiring notes (internal)" in markdown
    )


async def _setup(db: Database) -> Principal:
    await import_org(db, EVAL_ORG, name="JD Eval", people_csv=PEOPLE, skills_csv=SKILLS)
    principal = await principal_by_email(db, EVAL_ORG, HR_EMAIL)
    settings = {"job_descriptions": {"benefits": ["Learning budget"], "time_to_fill_days": {"Data Engineer": 40}}}
    async with db.org_tx(principal.org_id) as conn:
        await conn.execute("UPDATE organizations SET settings = settings || %s::jsonb", (json.dumps(settings),))
    return principal


async def run_jd_eval(db: Database, embedder: Embedder) -> dict[str, Any]:
    principal = await _setup(db)
    deps = Deps(db=db, settings=db.settings, embedder=embedder)
    requests = load_requests()
    essential_ok = outside_free = sections_ok = 0
    flags_expected = flags_found = clean_requests = clean_false_flags = 0
    turns_ok = declines = declines_ok = 0
    failures: list[str] = []
    for item in requests:
        out = await registry.call("generate_job_description", item["request"], principal, deps, channel="eval")
        assert isinstance(out, JDResult)
        jd = out.job_description
        async with db.org_tx(principal.org_id) as conn:
            reqs = (await catalog.requirements(conn, [jd.role_id]))[jd.role_id] if jd.role_id else []
            requested = {m.skill_id for m in await skills_in_text(conn, item["request"].get("key_requirements", ""))}
        ids = {s.skill_id for s in jd.skills}
        if {r.skill_id for r in reqs if r.importance == "essential"} <= ids:
            essential_ok += 1
        else:
            failures.append(f"{item['id']}: essential skill missing")
        allowed = {r.skill_id for r in reqs} | requested
        if ids <= allowed:
            outside_free += 1
        else:
            failures.append(f"{item['id']}: skills outside catalogue and request")
        if _sections_present(out.markdown, jd):
            sections_ok += 1
        else:
            failures.append(f"{item['id']}: a section is missing")
        flagged = [f for f in out.inclusive.flags if f.kind in FLAG_KINDS]
        for word in item.get("biased", []):
            flags_expected += 1
            if any(word.lower() in f.phrase.lower() for f in flagged):
                flags_found += 1
            else:
                failures.append(f"{item['id']}: {word!r} not flagged")
        if not item.get("biased"):
            clean_requests += 1
            if any(f.kind in ("jargon", "age_coded", "degree") for f in flagged):
                clean_false_flags += 1
                failures.append(f"{item['id']}: clean request flagged")
        current = jd
        applied = 0  # versions this request's refinements created
        for turn in item.get("refinements", []):
            expect = turn["expect"]
            args = {"jd_id": str(out.jd_id), "instruction": turn["instruction"]}
            if expect.get("declined"):
                declines += 1
                try:
                    await registry.call("refine_job_description", args, principal, deps, channel="eval")
                    failures.append(f"{item['id']}: {turn['instruction']!r} was not declined")
                except InvalidInput:
                    listed = await registry.call(
                        "list_job_description_versions", {"jd_id": str(out.jd_id)}, principal, deps, channel="eval"
                    )
                    assert isinstance(listed, JDVersionsOutput)
                    if listed.versions[-1].title == current.title and len(listed.versions) == 1 + applied:
                        declines_ok += 1
                continue
            try:
                refined = await registry.call("refine_job_description", args, principal, deps, channel="eval")
            except HRMError as exc:
                failures.append(f"{item['id']}: {turn['instruction']!r} failed: {exc.message}")
                continue
            assert isinstance(refined, RefineResult)
            applied += 1
            new = refined.job_description
            changed = _changed(current, new)
            if _expectation_holds(new, expect) and changed and changed <= _allowed(expect) and refined.changes:
                turns_ok += 1
            else:
                failures.append(f"{item['id']}: {turn['instruction']!r} changed {sorted(changed)}")
            current = new
    n = len(requests)
    total_turns = sum(1 for i in requests for t in i.get("refinements", []) if not t["expect"].get("declined"))
    metrics = {
        "requests": n,
        "essential_coverage": round(essential_ok / n, 4),
        "no_outside_skills": round(outside_free / n, 4),
        "sections_complete": round(sections_ok / n, 4),
        "flag_recall": round(flags_found / flags_expected, 4) if flags_expected else 1.0,
        "clean_false_flag_rate": round(clean_false_flags / clean_requests, 4) if clean_requests else 0.0,
        "refinement_turns": total_turns,
        "refinement_accuracy": round(turns_ok / total_turns, 4) if total_turns else 1.0,
        "declines_correct": round(declines_ok / declines, 4) if declines else 1.0,
        "failures": failures,
    }
    passed = (
        n >= 20
        and metrics["essential_coverage"] == 1.0
        and metrics["no_outside_skills"] == 1.0
        and metrics["sections_complete"] == 1.0
        and metrics["flag_recall"] == 1.0
        and metrics["clean_false_flag_rate"] == 0.0
        and metrics["refinement_accuracy"] == 1.0
        and metrics["declines_correct"] == 1.0
    )
    return {"suite": "jd", "metrics": metrics, "passed": passed}
