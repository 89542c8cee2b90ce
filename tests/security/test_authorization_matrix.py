"""The authorization matrix: every registered tool and every REST route × caller × target, against a
policy declared here rather than read from the code under test.

Callers: an employee, a manager, HR, an admin, another organisation's admin, and (REST) nobody.
Targets: the caller, the manager's report, someone outside the manager's line, a person of another
organisation. Each cell must be allowed or refused as the policy says, and no cell may leak: a reply
carries only people the caller may see, a refusal nobody's data.

Both lists are generated: a tool registered, or a route added, without a row in the policy below
fails this module, so new surface cannot ship without its rule being written down.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import httpx
import pytest
from fastapi.routing import APIRoute

from hrm.channels.rest.app import create_app
from hrm.core.errors import HRMError
from hrm.core.principals import ORG_WIDE_ROLES, AppRole
from hrm.core.settings import Settings
from hrm.tools import registry
from hrm.tools.context import Deps
from hrm.tools.jobs import enqueue
from tests.security.conftest import ORG_A, ORG_B, Person, SecurityOrgs, bearer

CALLERS = ["employee", "manager", "hr", "admin", "other_admin"]
TARGETS = ["self", "report", "non_report", "other_org"]
ALL_ROLES = frozenset(AppRole)
TEAM_ROLES = frozenset({AppRole.MANAGER, AppRole.HR, AppRole.ADMIN})
HR_ROLES = frozenset(ORG_WIDE_ROLES)
ADMIN_ROLES = frozenset({AppRole.ADMIN})
CV = "Data engineer. Built pipelines in Python and SQL for five years; ran Kubernetes clusters."


# -- who may see whom, written from the product's rules ---------------------------------------------


def visible(orgs: SecurityOrgs, caller: Person, target: Person) -> bool:
    if caller.org != target.org:
        return False
    if caller.id == target.id or caller.principal.role in ORG_WIDE_ROLES:
        return True
    return caller.principal.role == AppRole.MANAGER and target.key in orgs.reports_of(caller)


Rule = Callable[[SecurityOrgs, Person, Person], bool]


def self_or_org_wide(orgs: SecurityOrgs, caller: Person, target: Person) -> bool:
    return caller.org == target.org and (caller.id == target.id or caller.principal.role in ORG_WIDE_ROLES)


def only_self(orgs: SecurityOrgs, caller: Person, target: Person) -> bool:
    return caller.id == target.id


def in_line_not_self(orgs: SecurityOrgs, caller: Person, target: Person) -> bool:
    """Manager assessments: a manager (or admin) about someone they see, never about themselves."""
    line = caller.principal.role in (AppRole.MANAGER, AppRole.ADMIN)
    return line and caller.id != target.id and visible(orgs, caller, target)


def cover_rule(orgs: SecurityOrgs, caller: Person, target: Person) -> bool:
    """Who could cover for someone: within the caller's named team (a manager's tree excludes them)."""
    if caller.principal.role == AppRole.MANAGER and caller.id == target.id:
        return False
    return visible(orgs, caller, target)


def in_org_a(orgs: SecurityOrgs, caller: Person, target: Person) -> bool:
    """Resources made in the first organisation (job descriptions, jobs) stay there."""
    return caller.org == ORG_A


# -- the tool policy ------------------------------------------------------------------------------

Args = Callable[["Ctx", Person | None], dict[str, Any]]


@dataclass(frozen=True)
class ToolCase:
    label: str
    roles: frozenset[AppRole]
    args: Args
    rule: Rule | None = None  # None: no target; the roles alone decide
    also_refused_as: frozenset[str] = frozenset()  # other error codes that count as a refusal here
    # Erasure: only the refusals run here (an allowed call would erase the suite's own people; the
    # erasure itself is tested with its tool).
    destructive: bool = False


@dataclass
class Ctx:
    orgs: SecurityOrgs
    jd_id: UUID | None = None
    job_id: UUID | None = None
    ref_by_id: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def ref(self, person: Person | None) -> str:
        assert person is not None
        return str(person.id) if self.ref_by_id else person.email


POLICY: dict[str, list[ToolCase]] = {
    "search_skills": [ToolCase("query", ALL_ROLES, lambda c, t: {"query": "python"})],
    "get_skill": [ToolCase("by name", ALL_ROLES, lambda c, t: {"skill": "Kubernetes"})],
    "link_skills": [ToolCase("texts", ALL_ROLES, lambda c, t: {"texts": ["pipelines in python"]})],
    "normalize_title": [ToolCase("titles", ALL_ROLES, lambda c, t: {"titles": ["data engineer"]})],
    "infer_skills": [
        ToolCase("read only", ALL_ROLES, lambda c, t: {"documents": [{"file": "cv.txt", "text": CV}]}),
        ToolCase(
            "save for",
            ALL_ROLES,
            lambda c, t: {"documents": [{"file": "cv.txt", "text": CV}], "save_for": c.ref(t)},
            self_or_org_wide,
        ),
    ],
    "get_profile": [ToolCase("person", ALL_ROLES, lambda c, t: {"person": c.ref(t)}, visible)],
    "match_roles": [ToolCase("person", ALL_ROLES, lambda c, t: {"person": c.ref(t), "limit": 3}, visible)],
    "analyze_gap": [
        ToolCase("person", ALL_ROLES, lambda c, t: {"person": c.ref(t), "role": "Senior Data Engineer"}, visible)
    ],
    "plan_career_path": [
        ToolCase(
            "person",
            ALL_ROLES,
            lambda c, t: {"person": c.ref(t), "target": "Senior Data Engineer", "max_paths": 1},
            visible,
        )
    ],
    "update_skill": [
        ToolCase(
            "self assess",
            ALL_ROLES,
            lambda c, t: {"person": c.ref(t), "skill": "Python", "action": "self_assess", "level": 3},
            only_self,
        ),
        ToolCase(
            "manager assess",
            ALL_ROLES,
            lambda c, t: {"person": c.ref(t), "skill": "Python", "action": "manager_assess", "level": 3},
            in_line_not_self,
        ),
    ],
    "find_candidates": [ToolCase("role", TEAM_ROLES, lambda c, t: {"role": "Senior Data Engineer", "limit": 20})],
    "team_skills": [
        # Everyone may ask; only the people they may see are named (others get anonymous counts).
        ToolCase("who knows", ALL_ROLES, lambda c, t: {"skill": "Python", "view": "who_knows", "min_level": 1}),
        ToolCase(
            "cover for",
            TEAM_ROLES,
            lambda c, t: {"view": "cover", "cover_for": c.ref(t)},
            cover_rule,
            also_refused_as=frozenset({"invalid_input"}),  # "not in your team": nothing about them shown
        ),
    ],
    "list_consents": [ToolCase("person", ALL_ROLES, lambda c, t: {"person": c.ref(t)}, self_or_org_wide)],
    "set_consent": [ToolCase("own", ALL_ROLES, lambda c, t: {"source": "github", "granted": True})],
    "export_my_data": [ToolCase("person", ALL_ROLES, lambda c, t: {"person": c.ref(t)}, self_or_org_wide)],
    "erase_my_data": [
        ToolCase(
            "person",
            ALL_ROLES,
            lambda c, t: {"person": c.ref(t), "confirm": True},
            self_or_org_wide,
            destructive=True,
        )
    ],
    # Filtered to one read-only tool: callers' own typed arguments (say, a foreign email) are not the point.
    "query_audit": [
        ToolCase("person", ADMIN_ROLES, lambda c, t: {"person": c.ref(t), "tool": "get_skill", "limit": 20}, visible)
    ],
    "apply_retention": [ToolCase("dry run", ADMIN_ROLES, lambda c, t: {"dry_run": True})],
    "generate_job_description": [ToolCase("draft", HR_ROLES, lambda c, t: {"title": "Data Engineer"})],
    "refine_job_description": [
        ToolCase(
            "refine",
            HR_ROLES,
            lambda c, t: {"jd_id": str(c.jd_id), "instruction": "add Kubernetes as essential"},
            in_org_a,
        )
    ],
    "list_job_description_versions": [ToolCase("versions", HR_ROLES, lambda c, t: {"jd_id": str(c.jd_id)}, in_org_a)],
    "export_job_description": [
        ToolCase("export", HR_ROLES, lambda c, t: {"jd_id": str(c.jd_id), "format": "json"}, in_org_a)
    ],
}


def _targets_for(rule: Rule | None, orgs: SecurityOrgs, caller: Person) -> list[tuple[str, Person | None]]:
    if rule is None:
        return [("-", None)]
    if rule is in_org_a:
        return [("org-a resource", orgs["admin"])]  # the resource lives in the first organisation
    people = {
        "self": caller,
        "report": orgs["report"],
        "non_report": orgs["non_report"],
        "other_org": orgs["other_employee"],
    }
    if caller.org == ORG_B:
        # Seen from the second organisation its own employee is the colleague; the first's people are foreign.
        people["other_org"] = orgs["report"]
        people["report"] = orgs["other_employee"]
    return list(people.items())


# Sections of a personal-data export that record the person's own requests and the answers they were
# shown: what they typed may name anyone, and each answer was checked when it was given.
_OWN_ACTIVITY = ("audit", "conversations", "jobs")


def _without_own_activity(data: Any) -> Any:
    if isinstance(data, dict) and isinstance(data.get("sections"), dict) and "format" in data:
        return {**data, "sections": {k: v for k, v in data["sections"].items() if k not in _OWN_ACTIVITY}}
    return data


def _leaks(
    orgs: SecurityOrgs, caller: Person, text: str, *, target: Person | None = None, allowed_refs: tuple[str, ...] = ()
) -> list[str]:
    for ref in allowed_refs:
        text = text.replace(ref, "")
    # A profile names the person's manager: who manages whom is directory information, not their data.
    directory = {orgs.manager_of(caller)}
    if target is not None and visible(orgs, caller, target):
        directory.add(orgs.manager_of(target))
    found = []
    for person in orgs.people.values():
        if visible(orgs, caller, person) or person.key in directory:
            continue
        found += [f"{person.key}:{m}" for m in person.markers() if m in text]
    return found


@pytest.fixture(scope="module")
async def ctx(sec_orgs: SecurityOrgs, deps: Deps) -> Ctx:
    hr = sec_orgs["hr"].principal
    draft = await registry.call("generate_job_description", {"title": "Data Engineer"}, hr, deps, channel="test")
    jd_id = UUID(str(draft.model_dump()["jd_id"]))
    if "set_consent" in registry.names():
        # Consent to read a CV is its own check; here every person has given it, so only the
        # authorization rules decide.
        for person in sec_orgs.people.values():
            await registry.call(
                "set_consent", {"source": "cv", "granted": True}, person.principal, deps, channel="test"
            )
    job_id, _ = await enqueue(
        deps, sec_orgs["employee"].principal, "infer_skills", {"documents": [{"file": "cv.txt", "text": CV}]}, None
    )
    return Ctx(sec_orgs, jd_id=jd_id, job_id=job_id)


# Rows written before their tools are registered everywhere; absent ones are skipped, not stale.
DECLARED_AHEAD = {"export_my_data", "erase_my_data", "query_audit", "apply_retention", "list_consents", "set_consent"}


def test_every_tool_has_a_policy() -> None:
    missing = sorted(set(registry.names()) - set(POLICY))
    assert missing == [], f"tools without an authorization policy row: {missing}"
    stale = sorted(set(POLICY) - set(registry.names()) - DECLARED_AHEAD)
    assert stale == [], f"policy rows for tools that no longer exist: {stale}"


TOOL_CELLS = sum(
    len(CALLERS) * (1 if c.rule is None else (1 if c.rule is in_org_a else len(TARGETS) * 2))
    for name, cases in POLICY.items()
    if name in registry.names()
    for c in cases
)


@pytest.mark.parametrize("tool", registry.names())
async def test_tool_matrix(tool: str, ctx: Ctx, deps: Deps) -> None:
    cases = POLICY.get(tool)
    assert cases is not None, f"{tool} has no row in the authorization policy"
    orgs = ctx.orgs
    wrong: list[str] = []
    for case in cases:
        for caller_key in CALLERS:
            caller = orgs[caller_key]
            for target_label, target in _targets_for(case.rule, orgs, caller):
                for by_id in (False, True) if target is not None and case.rule is not in_org_a else (False,):
                    ctx.ref_by_id = by_id
                    expected = caller.principal.role in case.roles and (
                        case.rule is None or target is None or case.rule(orgs, caller, target)
                    )
                    if case.destructive and expected:
                        continue
                    args = case.args(ctx, target)
                    cell = f"{tool}[{case.label}] {caller_key} → {target_label}{' (id)' if by_id else ''}"
                    try:
                        out = await registry.call(tool, args, caller.principal, deps, channel="test")
                    except HRMError as exc:
                        refused_ok = exc.code in {"permission_denied", "not_found"} | case.also_refused_as
                        if expected or not refused_ok:
                            wrong.append(f"{cell}: expected {'allow' if expected else 'deny'}, got {exc.code}: {exc}")
                        refs = (args.get("person") or args.get("save_for") or args.get("cover_for") or "",)
                        if leaks := _leaks(orgs, caller, exc.message, allowed_refs=tuple(r for r in refs if r)):
                            wrong.append(f"{cell}: refusal leaks {leaks}")
                        continue
                    if not expected:
                        wrong.append(f"{cell}: expected deny, was allowed")
                    reply = json.dumps(_without_own_activity(out.model_dump(mode="json")))
                    if leaks := _leaks(orgs, caller, reply, target=target):
                        wrong.append(f"{cell}: reply leaks {leaks}")
    assert wrong == [], "\n".join(wrong)


# -- the REST policy --------------------------------------------------------------------------------

Request = tuple[str, str, dict[str, Any]]  # method, url, httpx keyword arguments
Build = Callable[[Ctx, str, Person | None], Request]


@dataclass(frozen=True)
class RouteCase:
    roles: frozenset[AppRole]
    build: Build  # (ctx, organisation slug in the path, target) → request
    rule: Rule | None = None
    org_in_path: bool = True
    leak_check_only: bool = False  # chat: always answered; what matters is what the answer says
    destructive: bool = False  # erasure: only the refusals are sent (see ToolCase)


_O = "/api/v2/organizations/{org}"


def _get(url: str, **params: Any) -> Request:
    return "GET", url, {"params": params}


ROUTES: dict[str, RouteCase] = {
    f"GET {_O}/skills": RouteCase(ALL_ROLES, lambda c, org, t: _get(f"/api/v2/organizations/{org}/skills", q="python")),
    f"GET {_O}/employees/{{employee_id}}/skills": RouteCase(
        ALL_ROLES, lambda c, org, t: _get(f"/api/v2/organizations/{org}/employees/{c.ref(t)}/skills"), visible
    ),
    f"POST {_O}/chat": RouteCase(
        ALL_ROLES,
        lambda c, org, t: (
            "POST",
            f"/api/v2/organizations/{org}/chat",
            {"json": {"message": f"what skills does {c.ref(t)} have?"}},
        ),
        visible,
        leak_check_only=True,
    ),
    f"POST {_O}/ai/infer-skills": RouteCase(
        ALL_ROLES,
        lambda c, org, t: (
            "POST",
            f"/api/v2/organizations/{org}/ai/infer-skills",
            {"files": {"files": ("cv.txt", CV.encode(), "text/plain")}},
        ),
    ),
    "GET /api/v2/jobs/{job_id}/status": RouteCase(
        ALL_ROLES,
        lambda c, org, t: _get(f"/api/v2/jobs/{c.job_id}/status"),
        # The employee's own job; HR and admins of the organisation see it too.
        lambda orgs, caller, target: (
            caller.key == "employee" or (caller.org == ORG_A and caller.principal.role in ORG_WIDE_ROLES)
        ),
        org_in_path=False,
    ),
    f"POST {_O}/jobs/match": RouteCase(
        ALL_ROLES,
        lambda c, org, t: ("POST", f"/api/v2/organizations/{org}/jobs/match", {"json": {"user_id": c.ref(t)}}),
        visible,
    ),
    f"GET {_O}/roles/candidates": RouteCase(
        TEAM_ROLES, lambda c, org, t: _get(f"/api/v2/organizations/{org}/roles/candidates", role="Senior Data Engineer")
    ),
    f"GET {_O}/employees/{{employee_id}}/gap": RouteCase(
        ALL_ROLES,
        lambda c, org, t: _get(f"/api/v2/organizations/{org}/employees/{c.ref(t)}/gap", role="Senior Data Engineer"),
        visible,
    ),
    f"GET {_O}/employees/{{employee_id}}/career-paths": RouteCase(
        ALL_ROLES,
        lambda c, org, t: _get(
            f"/api/v2/organizations/{org}/employees/{c.ref(t)}/career-paths", target="Senior Data Engineer", max_paths=1
        ),
        visible,
    ),
    f"GET {_O}/teams/skills": RouteCase(
        ALL_ROLES, lambda c, org, t: _get(f"/api/v2/organizations/{org}/teams/skills", skill="Python", min_level=1)
    ),
    f"POST {_O}/jobs/generate": RouteCase(
        HR_ROLES,
        lambda c, org, t: ("POST", f"/api/v2/organizations/{org}/jobs/generate", {"json": {"title": "Data Engineer"}}),
    ),
    f"POST {_O}/jobs/{{jd_id}}/refine": RouteCase(
        HR_ROLES,
        lambda c, org, t: (
            "POST",
            f"/api/v2/organizations/{org}/jobs/{c.jd_id}/refine",
            {"json": {"instruction": "shorter"}},
        ),
        in_org_a,
    ),
    f"GET {_O}/jobs/{{jd_id}}/versions": RouteCase(
        HR_ROLES, lambda c, org, t: _get(f"/api/v2/organizations/{org}/jobs/{c.jd_id}/versions"), in_org_a
    ),
    f"GET {_O}/jobs/{{jd_id}}/export": RouteCase(
        HR_ROLES, lambda c, org, t: _get(f"/api/v2/organizations/{org}/jobs/{c.jd_id}/export", format="json"), in_org_a
    ),
    f"GET {_O}/employees/{{employee_id}}/export": RouteCase(
        ALL_ROLES, lambda c, org, t: _get(f"/api/v2/organizations/{org}/employees/{c.ref(t)}/export"), self_or_org_wide
    ),
    f"DELETE {_O}/employees/{{employee_id}}": RouteCase(
        ALL_ROLES,
        lambda c, org, t: ("DELETE", f"/api/v2/organizations/{org}/employees/{c.ref(t)}", {"json": {"confirm": True}}),
        self_or_org_wide,
        destructive=True,
    ),
    f"GET {_O}/employees/{{employee_id}}/consents": RouteCase(
        ALL_ROLES,
        lambda c, org, t: _get(f"/api/v2/organizations/{org}/employees/{c.ref(t)}/consents"),
        self_or_org_wide,
    ),
    f"PUT {_O}/employees/me/consents/{{source}}": RouteCase(
        ALL_ROLES,
        lambda c, org, t: ("PUT", f"/api/v2/organizations/{org}/employees/me/consents/cv", {"json": {"granted": True}}),
    ),
    f"GET {_O}/audit": RouteCase(
        ADMIN_ROLES, lambda c, org, t: _get(f"/api/v2/organizations/{org}/audit", tool="get_skill", limit=20)
    ),
}

# Rows written before their routes are included everywhere; absent ones are skipped, not stale.
ROUTES_DECLARED_AHEAD = {k for k in ROUTES if "/export" in k and "/jobs/" not in k} | {
    k for k in ROUTES if k.startswith("DELETE ") or "/consents" in k or k.endswith("/audit")
}

# Routes open to anyone by design; every other route must answer 401 without a token.
PUBLIC = {"GET /health", "GET /ready", "GET /metrics", "POST /slack/events"}
_DOCS = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}


def _route_keys() -> list[str]:
    app = create_app(Settings(env="test", jwt_secret="x" * 48, llm_provider="none", embedder="fake"))
    # The OpenAPI document lists every route of the included routers; routes hidden from it are
    # taken from the application's own route list.
    keys = {f"{method.upper()} {path}" for path, item in app.openapi()["paths"].items() for method in item}
    for route in app.routes:
        if isinstance(route, APIRoute) and route.path not in _DOCS:
            keys |= {f"{method} {route.path}" for method in (route.methods or set()) - {"HEAD", "OPTIONS"}}
    return sorted(keys)


ROUTE_KEYS = _route_keys()


def test_every_route_has_a_policy() -> None:
    missing = sorted(set(ROUTE_KEYS) - set(ROUTES) - PUBLIC)
    assert missing == [], f"routes without an authorization policy row: {missing}"
    stale = sorted(set(ROUTES) - set(ROUTE_KEYS) - ROUTES_DECLARED_AHEAD)
    assert stale == [], f"policy rows for routes that no longer exist: {stale}"


def _route_cells(case: RouteCase, orgs: SecurityOrgs) -> list[tuple[Person, str, str, Person | None]]:
    """(caller, label, organisation in the path, target) for one route."""
    cells = []
    for caller_key in CALLERS:
        caller = orgs[caller_key]
        other_org = ORG_B if caller.org == ORG_A else ORG_A
        for label, target in _targets_for(case.rule, orgs, caller):
            cells.append((caller, label, caller.org, target))
        if case.org_in_path:
            cells.append((caller, "another organisation's path", other_org, orgs["admin"]))
    return cells


ROUTE_CELLS_PER_CALLER = {
    key: (1 if c.rule is None else (1 if c.rule is in_org_a else len(TARGETS))) + (1 if c.org_in_path else 0)
    for key, c in ROUTES.items()
}


@pytest.mark.parametrize("route", [k for k in ROUTE_KEYS if k not in PUBLIC])
async def test_route_matrix(route: str, ctx: Ctx, settings: Settings, open_client: httpx.AsyncClient) -> None:
    case = ROUTES.get(route)
    assert case is not None, f"{route} has no row in the authorization policy"
    orgs = ctx.orgs
    wrong: list[str] = []
    ctx.ref_by_id = False

    method, url, kwargs = case.build(ctx, ORG_A, orgs["employee"])
    anonymous = await open_client.request(method, url, **kwargs)
    if anonymous.status_code != 401:
        wrong.append(f"{route} anonymous: expected 401, got {anonymous.status_code}")
    if any(m in anonymous.text for p in orgs.people.values() for m in p.markers() if m != p.email):
        wrong.append(f"{route} anonymous: the refusal carries someone's data")

    for caller, label, org, target in _route_cells(case, orgs):
        foreign_path = org != caller.org
        expected = (
            not foreign_path
            and caller.principal.role in case.roles
            and (case.rule is None or target is None or case.rule(orgs, caller, target))
        )
        if case.destructive and expected:
            continue
        method, url, kwargs = case.build(ctx, org, target)
        response = await open_client.request(method, url, headers=bearer(settings, caller.principal), **kwargs)
        cell = f"{route} {caller.key} → {label}"
        status = response.status_code
        if case.leak_check_only and not foreign_path:
            if status != 200:
                wrong.append(f"{cell}: expected 200, got {status} {response.text[:200]}")
        elif expected and (status in (401, 403, 404) or status >= 500):
            # Allowed means authorization let it through; a 422 about the request itself still is.
            wrong.append(f"{cell}: expected allow, got {status} {response.text[:200]}")
        elif not expected and status not in (403, 404):
            wrong.append(f"{cell}: expected 403/404, got {status} {response.text[:200]}")
        body = response.text
        if response.headers.get("content-type", "").startswith("application/json"):
            body = json.dumps(_without_own_activity(response.json()))
        if target is not None:
            body = body.replace(ctx.ref(target), "")  # the caller's own words echoed back are not a leak
        if leaks := _leaks(orgs, caller, body, target=target):
            wrong.append(f"{cell}: response leaks {leaks}")
    assert wrong == [], "\n".join(wrong)


def test_matrix_size() -> None:
    """The matrix covers every tool and route with every caller; the count is reported by the suite."""
    route_cells = sum(len(CALLERS) * n + 1 for n in ROUTE_CELLS_PER_CALLER.values())
    assert len(registry.names()) * len(CALLERS) <= TOOL_CELLS
    assert route_cells >= len(ROUTES) * (len(CALLERS) + 1)
    print(f"authorization matrix: {TOOL_CELLS} tool cells, {route_cells} route cells")
