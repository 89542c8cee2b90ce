"""``hrm eval --suite matching``: the matching, gap, career-path and team answers on a hand-built
organisation whose right answers are known by construction, asked through the agent as ``hrm ask``
asks (rule-based planner, tools running for real under the caller's permissions).

The organisation (``data/matching/``): Bo heads a platform team of four. Dana, a Data Engineer,
meets every essential skill of the organisation's Senior Data Engineer role and is one level short
on Apache Airflow, so she is the best candidate and Airflow is her one gap. Kai is the only one at
or above level 3 in Kubernetes (a single point of failure), and nobody holds Terraform at the SRE
role's level 3 (the team's gap). Junior Software Engineer → Software Engineer → Senior Software
Engineer → Staff Engineer is the catalogue's curated path. Omar, an employee, must be refused every
view of colleagues. Each case in ``data/matching/cases.jsonl`` names the caller, the question, the
tool that must answer (or refuse), values that must be in its output, and words that must or must
not be in the reply.
"""

import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from hrm.agent.service import Agent
from hrm.core.db import Database
from hrm.core.identity import principal_by_email
from hrm.retrieval.embeddings import Embedder
from hrm.tools import registry
from hrm.tools.context import Deps
from hrm.tools.org_import import import_org

EVAL_ORG = "matching-eval"
TARGET = 1.0  # known answers: every case must hold


def organisation_csvs(org: str) -> dict[str, str]:
    """The organisation's people, skills and roles CSV text, with emails at ``@<org>.test``."""
    folder = resources.files("hrm.evals").joinpath("data/matching")
    return {
        part: folder.joinpath(f"{part}.csv").read_text(encoding="utf-8").replace("{org}", org)
        for part in ("people", "skills", "roles")
    }


@dataclass(frozen=True)
class Check:
    """A value in the tool's output: ``at`` is a dotted path (``*`` maps over a list); the value
    there ``is`` a given value, or ``has`` one among its first ``within`` items."""

    at: str
    expected: Any = None
    has: Any = None
    within: int | None = None


@dataclass(frozen=True)
class Case:
    id: str
    caller: str
    ask: str
    tool: str
    ok: bool
    checks: list[Check] = field(default_factory=list)
    text_has: list[str] = field(default_factory=list)
    text_lacks: list[str] = field(default_factory=list)


def load_cases() -> list[Case]:
    text = resources.files("hrm.evals").joinpath("data/matching/cases.jsonl").read_text(encoding="utf-8")
    cases = []
    for line in text.splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        checks = [
            Check(at=c["at"], expected=c.get("is"), has=c.get("has"), within=c.get("within"))
            for c in row.get("expect", [])
        ]
        cases.append(
            Case(
                id=row["id"], caller=row["as"], ask=row["ask"], tool=row["tool"], ok=row.get("ok", True), checks=checks,
                text_has=row.get("text_has", []), text_lacks=row.get("text_lacks", []),
            )
        )  # fmt: skip
    return cases


def _at(value: Any, path: str) -> Any:
    for i, step in enumerate(path.split(".")):
        if step == "*":
            rest = ".".join(path.split(".")[i + 1 :])
            return [_at(item, rest) if rest else item for item in value]
        value = value[int(step)] if isinstance(value, list) else value[step]
    return value


def _check(out: dict[str, Any], check: Check) -> str | None:
    try:
        found = _at(out, check.at)
    except (KeyError, IndexError, TypeError, ValueError):
        return f"{check.at}: not in the output"
    if check.has is not None:
        window = found[: check.within] if check.within else found
        return None if check.has in window else f"{check.at}: {check.has!r} not in {window!r}"
    return None if found == check.expected else f"{check.at}: expected {check.expected!r}, got {found!r}"


async def run_matching_eval(db: Database, embedder: Embedder) -> dict[str, Any]:
    csvs = organisation_csvs(EVAL_ORG)
    await import_org(
        db,
        EVAL_ORG,
        name="Matching Eval",
        people_csv=csvs["people"],
        skills_csv=csvs["skills"],
        roles_csv=csvs["roles"],
    )
    agent = Agent(Deps(db=db, settings=db.settings, embedder=embedder), registry)
    cases = load_cases()
    failures: list[dict[str, Any]] = []
    by_tool: dict[str, list[int]] = {}
    for case in cases:
        principal = await principal_by_email(db, EVAL_ORG, f"{case.caller}@{EVAL_ORG}.test")
        reply = await agent.ask(principal, case.ask, channel="eval")
        problems = []
        first = reply.tool_calls[0] if reply.tool_calls else None
        if first is None or first.name != case.tool:
            problems.append(f"answered by {first.name if first else 'no tool'}, expected {case.tool}")
        elif first.ok != case.ok:
            problems.append("refused" if case.ok else "answered where it must refuse")
        elif case.ok:
            out = reply.data.get(case.tool) or {}
            problems += [p for p in (_check(out, c) for c in case.checks) if p]
        problems += [f"reply lacks {w!r}" for w in case.text_has if w not in reply.text]
        problems += [f"reply reveals {w!r}" for w in case.text_lacks if w in reply.text]
        tally = by_tool.setdefault(case.tool, [0, 0])
        tally[1] += 1
        if problems:
            failures.append({"id": case.id, "as": case.caller, "text": case.ask, "problems": problems})
        else:
            tally[0] += 1
    passed = len(cases) - len(failures)
    accuracy = round(passed / len(cases), 4) if cases else 0.0
    metrics = {
        "cases": len(cases),
        "passed_cases": passed,
        "accuracy": accuracy,
        "refusal_cases": sum(1 for c in cases if not c.ok),
        "by_tool": {tool: f"{ok}/{n}" for tool, (ok, n) in sorted(by_tool.items())},
        "failures": failures,
    }
    return {"suite": "matching", "metrics": metrics, "passed": bool(cases) and accuracy >= TARGET}
