"""Block Kit answers in Slack: each renderer on real tool output from an organisation built here
(one person's first name is a script tag, a skill and a role carry markup characters), the limits
Slack enforces, and a DM answered through the fake Slack Web API with blocks."""

import asyncio
import copy
import json
import logging
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest

from hrm.agent.plan import ToolStep
from hrm.agent.rules import RuleBasedPlanner
from hrm.agent.service import Agent, Reply, ToolCall
from hrm.channels.rest.app import create_app
from hrm.channels.runtime import Runtime
from hrm.channels.slack import blocks as kit
from hrm.channels.slack.blocks import blocks_for, reply_blocks
from hrm.channels.slack.handlers import APOLOGY, answer_message, to_mrkdwn
from hrm.core.db import Database
from hrm.core.identity import principal_by_email
from hrm.core.principals import Principal
from hrm.core.settings import Settings
from hrm.retrieval.builtin_resources import load_builtin_resources
from hrm.retrieval.embeddings import FakeEmbedder
from hrm.tools import registry
from hrm.tools.context import Deps
from hrm.tools.learning import import_resources
from hrm.tools.org_import import import_org
from tests.channels.test_slack import TEAM, FakeSlack, SlackClient, dm, event_callback, unique

ORG = "slackblk"
HOSTILE = "<script>alert(1)</script>"
ODD_SKILL = "Glorp <b>&</b> Co"
ODD_ROLE = "Platform <Engineer> & Co"
DEV_SLACK = "USLACKBLKDEV"

PEOPLE = f"""email,first_name,last_name,job_title,department,manager_email,location,role,slack_user_id
hr@slackblk.test,Hale,Ruiz,HR Business Partner,People,,Berlin,hr,
boss@slackblk.test,Bo,Sterling,Engineering Manager,Engineering,,Berlin,manager,
dev@slackblk.test,"{HOSTILE}",Dev,Software Engineer,Engineering,boss@slackblk.test,Berlin,employee,{DEV_SLACK}
ann@slackblk.test,Ann,Ames,Software Engineer,Engineering,boss@slackblk.test,Berlin,employee,
ben@slackblk.test,Ben,Bold,Software Engineer,Engineering,boss@slackblk.test,Berlin,employee,
"""
SKILLS = f"""email,skill,level,source
dev@slackblk.test,Python,3,self
dev@slackblk.test,SQL,2,self
dev@slackblk.test,{ODD_SKILL},2,self
ann@slackblk.test,Python,4,self
ann@slackblk.test,Kubernetes,3,self
ann@slackblk.test,{ODD_SKILL},3,self
ben@slackblk.test,Python,2,self
ben@slackblk.test,Docker,3,self
"""
ROLES = f"""role_code,title,department,level,skill,required_level,importance
PLAT,{ODD_ROLE},Engineering,senior,Python,4,essential
PLAT,{ODD_ROLE},Engineering,senior,{ODD_SKILL},3,essential
PLAT,{ODD_ROLE},Engineering,senior,Kubernetes,3,important
SE,Software Engineer,Engineering,mid,Python,3,essential
SE,Software Engineer,Engineering,mid,Docker,2,important
"""
RESOURCES = f"""title,url,skill,cluster,kind,hours,description
Glorp <handbook>,https://learn.example.com/glorp?a=1&b=2,{ODD_SKILL},,docs,4,The house guide
"""

DEV, BOSS = "dev@slackblk.test", "boss@slackblk.test"
# (caller, tool, arguments) for every renderer and every team view.
CASES: dict[str, tuple[str, str, dict[str, Any]]] = {
    "match_roles": (DEV, "match_roles", {"limit": 10}),
    "find_candidates": (BOSS, "find_candidates", {"role": ODD_ROLE}),
    "analyze_gap": (DEV, "analyze_gap", {"role": ODD_ROLE}),
    "plan_career_path": (DEV, "plan_career_path", {"target": "Staff Engineer"}),
    "already_there": (DEV, "plan_career_path", {"target": "Software Engineer"}),
    "team_summary": (BOSS, "team_skills", {"view": "summary"}),
    "team_matrix": (BOSS, "team_skills", {"view": "matrix"}),
    "team_who_knows": (BOSS, "team_skills", {"skill": "Python"}),
    "team_coverage": (BOSS, "team_skills", {"view": "coverage"}),
    "team_spof": (BOSS, "team_skills", {"view": "spof"}),
    "team_cover": (BOSS, "team_skills", {"cover_for": "ann@slackblk.test"}),
    "team_priorities": (BOSS, "team_skills", {"view": "priorities"}),
    "team_anonymous": (DEV, "team_skills", {"skill": "Python"}),
}

Outputs = dict[str, tuple[str, dict[str, Any]]]


@pytest.fixture(scope="module")
async def outputs(db: Database, deps: Deps) -> Outputs:
    with db.owner_connect() as conn:
        load_builtin_resources(conn)
    await import_org(db, ORG, people_csv=PEOPLE, skills_csv=SKILLS, roles_csv=ROLES, create_unknown_skills=True)
    await import_resources(db, ORG, RESOURCES)
    found: Outputs = {}
    for case, (caller, tool, args) in CASES.items():
        principal = await principal_by_email(db, ORG, caller)
        out = await registry.call(tool, args, principal, deps, channel="test")
        found[case] = (tool, out.model_dump(mode="json"))
    return found


# -- what Slack accepts -------------------------------------------------------------------------

# The only markup a renderer may emit: links to web addresses.
_LINK = re.compile(r"<https?://[^\s|<>]+\|[^<>]+>")
_BARE_AMPERSAND = re.compile(r"&(?!amp;|lt;|gt;)")


def mrkdwn_texts(blocks: list[dict[str, Any]]) -> list[str]:
    texts = []
    for block in blocks:
        objects = [block.get("text"), *block.get("fields", []), *block.get("elements", [])]
        texts += [o["text"] for o in objects if o and o["type"] == "mrkdwn"]
    return texts


def everything(blocks: list[dict[str, Any]]) -> str:
    return "\n".join(mrkdwn_texts(blocks))


def assert_valid(blocks: list[dict[str, Any]]) -> None:
    """Block Kit's limits and our escaping rule; fails with the offending block."""
    assert 1 <= len(blocks) <= kit.MAX_BLOCKS
    json.dumps(blocks)  # plain JSON, nothing Slack could not read
    assert blocks[-1]["type"] != "divider"
    for block in blocks:
        kind = block["type"]
        assert kind in {"header", "section", "context", "divider"}, block
        if kind == "header":
            assert block["text"]["type"] == "plain_text" and 1 <= len(block["text"]["text"]) <= 150, block
        elif kind == "section":
            assert "text" in block or "fields" in block, block
            if "text" in block:
                assert 1 <= len(block["text"]["text"]) <= 3000, block
            assert len(block.get("fields", [])) <= 10, block
            assert all(1 <= len(f["text"]) <= 2000 for f in block.get("fields", [])), block
        elif kind == "context":
            assert 1 <= len(block["elements"]) <= 10, block
            assert all(1 <= len(e["text"]) <= 3000 for e in block["elements"]), block
    for text in mrkdwn_texts(blocks):
        markup_free = _LINK.sub("", text)
        assert "<" not in markup_free and ">" not in markup_free, text
        assert not _BARE_AMPERSAND.search(text), text


# -- each renderer on real output ---------------------------------------------------------------


@pytest.mark.parametrize("case", list(CASES))
def test_every_answer_is_valid_block_kit_with_data_escaped(outputs: Outputs, case: str) -> None:
    tool, out = outputs[case]
    blocks = blocks_for(tool, out)
    assert blocks is not None
    assert_valid(blocks)
    assert HOSTILE not in everything(blocks) and ODD_SKILL not in everything(blocks)


def test_match_roles_is_a_ranked_list_with_explanations(outputs: Outputs) -> None:
    _, out = outputs["match_roles"]
    blocks = blocks_for("match_roles", out)
    assert blocks is not None and out["matches"]
    assert blocks[0]["type"] == "header" and HOSTILE in blocks[0]["text"]["text"]  # plain text: shown as typed
    ranked = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert len(ranked) == len(out["matches"])
    for i, (text, match) in enumerate(zip(ranked, out["matches"], strict=True), 1):
        assert text.startswith(f"*{i}. {to_mrkdwn(match['title'])}* — {round(match['score']['total'] * 100)}%")
        missing = match["to_build"][0]
        assert f"{to_mrkdwn(missing['skill'])} {missing['current_level']}→{missing['required_level']}" in text
    explanations = [b["elements"][0]["text"] for b in blocks if b["type"] == "context"]
    assert [to_mrkdwn(m["explanation"]) for m in out["matches"]] == explanations[1:]
    assert sum(b["type"] == "divider" for b in blocks) == len(out["matches"]) - 1
    # The organisation's odd role is ranked and shown escaped.
    assert "Platform &lt;Engineer&gt; &amp; Co" in everything(blocks)


def test_find_candidates_names_people_escaped(outputs: Outputs) -> None:
    _, out = outputs["find_candidates"]
    blocks = blocks_for("find_candidates", out)
    assert blocks is not None
    names = [c["person"]["name"] for c in out["candidates"]]
    assert HOSTILE + " Dev" in names
    ranked = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert [t.split("*")[1] for t in ranked] == [f"{i}. {to_mrkdwn(n)}" for i, n in enumerate(names, 1)]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Dev" in everything(blocks)


def test_gap_table_in_priority_order_with_links_and_levels(outputs: Outputs) -> None:
    _, out = outputs["analyze_gap"]
    blocks = blocks_for("analyze_gap", out)
    assert blocks is not None and len(out["gaps"]) >= 3
    assert to_mrkdwn(out["readiness"]["summary"]) in everything(blocks)
    fields = [f["text"] for b in blocks for f in b.get("fields", [])]
    # Pairs: skill (priority, importance) | now → needed, time.
    assert len(fields) == 2 * len(out["gaps"])
    for (skill_cell, level_cell), gap in zip(zip(fields[::2], fields[1::2], strict=True), out["gaps"], strict=True):
        assert skill_cell.startswith(f"*{gap['priority']}. {to_mrkdwn(gap['skill'])}*")
        assert gap["importance"] in skill_cell
        assert level_cell.startswith(f"{gap['current_level']} → {gap['required_level']}")
        assert f"{gap['months_low']}–{gap['months_high']} months" in level_cell
    text = everything(blocks)
    # The organisation's own resource, escaped inside a link; a resource without an address stays text.
    assert "<https://learn.example.com/glorp?a=1&amp;b=2|Glorp &lt;handbook&gt;>" in text
    unlinked = [s for g in out["gaps"] for s in g["learning"] if not s["url"]]
    assert unlinked and all(f"{s['title']} (" in text for s in unlinked)
    assert len(_LINK.findall(text)) == sum(1 for g in out["gaps"] for s in g["learning"] if s["url"])


def test_gap_links_only_web_addresses(outputs: Outputs) -> None:
    _, real = outputs["analyze_gap"]
    out = copy.deepcopy(real)
    out["gaps"][0]["learning"][0]["url"] = "javascript:alert(1)"
    out["gaps"][1]["learning"][0]["url"] = "https://ok.example/a|b"
    text = everything(blocks_for("analyze_gap", out) or [])
    assert "javascript" not in text
    assert "<https://ok.example/a%7Cb|" in text
    assert kit.link("file:///etc/passwd", "x") == "x" and kit.link("https://a.example/ b", "y") == "y"


def test_gap_unlocks_line(outputs: Outputs) -> None:
    _, real = outputs["analyze_gap"]
    out = copy.deepcopy(real)
    explanation = f"Reaching {ODD_SKILL} 3 would open 2 roles: Role One, Role Two."
    out["unlocks"] = {
        "skill_id": 1, "skill": ODD_SKILL, "target_level": 3, "roles_unlocked": 2,
        "example_roles": ["Role One", "Role Two"], "explanation": explanation,
    }  # fmt: skip
    blocks = blocks_for("analyze_gap", out)
    assert blocks is not None
    assert blocks[-1]["text"]["text"] == f"*Unlocks:* {to_mrkdwn(explanation)}"


def test_career_path_as_numbered_steps(outputs: Outputs) -> None:
    _, out = outputs["plan_career_path"]
    blocks = blocks_for("plan_career_path", out)
    assert blocks is not None and out["paths"]
    paths = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert len(paths) == len(out["paths"])
    for text, path in zip(paths, out["paths"], strict=True):
        lines = text.split("\n")
        assert lines[0].startswith(f"*Path {path['rank']} · ~")
        assert len(lines) == 1 + len(path["steps"])
        for n, (line, step) in enumerate(zip(lines[1:], path["steps"], strict=True), 1):
            assert line.startswith(f"{n}. {step['from_role']['title']} → {step['to_role']['title']} (")
            first = step["skills_to_build"][0]
            assert f"build {first['name']} {first['current_level']}→{first['required_level']}" in line
    # The first path is the built-in ladder with its curated years.
    assert paths[0].split("\n")[1].startswith("1. Software Engineer → Senior Software Engineer (3 yrs): build ")


def test_career_when_already_there_says_so(outputs: Outputs) -> None:
    _, out = outputs["already_there"]
    blocks = blocks_for("plan_career_path", out)
    assert blocks is not None and out["already_there"]
    assert to_mrkdwn(out["message"]) in everything(blocks)
    assert not any(t.startswith("*Path") for t in mrkdwn_texts(blocks))


def test_team_matrix_as_fields_one_per_person(outputs: Outputs) -> None:
    _, out = outputs["team_matrix"]
    blocks = blocks_for("team_skills", out)
    assert blocks is not None
    fields = [f["text"] for b in blocks for f in b.get("fields", [])]
    assert len(fields) == len(out["matrix"]["rows"]) == 3
    for cell, row in zip(fields, out["matrix"]["rows"], strict=True):
        assert cell.startswith(f"*{to_mrkdwn(row['name'])}*\n")
        assert all(f"{to_mrkdwn(skill)} {level}" in cell for skill, level in row["levels"].items())


def test_team_views_list_their_findings(outputs: Outputs) -> None:
    who = blocks_for("team_skills", outputs["team_who_knows"][1]) or []
    knows = outputs["team_who_knows"][1]["who_knows"]
    assert [f["text"].split("\n")[0] for b in who for f in b.get("fields", [])] == [
        f"*{to_mrkdwn(p['name'])}*" for p in knows["people"]
    ]
    spof = outputs["team_spof"][1]
    text = everything(blocks_for("team_skills", spof) or [])
    for point in spof["single_points"]:
        assert f"*{to_mrkdwn(point['skill'])}* — only {to_mrkdwn(point['holder']['name'])}" in text
    priorities = outputs["team_priorities"][1]
    (listed,) = [t for t in mrkdwn_texts(blocks_for("team_skills", priorities) or []) if t.startswith("*Priorities*")]
    ranks = [p["rank"] for p in priorities["priorities"]]
    assert [int(line.split(".")[0]) for line in listed.split("\n")[1:]] == ranks
    cover = outputs["team_cover"][1]["cover"]
    text = everything(blocks_for("team_skills", outputs["team_cover"][1]) or [])
    assert f"*Who could cover for {to_mrkdwn(cover['person'])}*" in text
    assert "Nobody could stand in for: " + ", ".join(to_mrkdwn(s) for s in cover["uncovered"]) in text


def test_team_privacy_note_and_no_names_when_withheld(outputs: Outputs) -> None:
    _, out = outputs["team_anonymous"]
    assert not out["team"]["named"] and out["privacy_note"]
    blocks = blocks_for("team_skills", out)
    assert blocks is not None
    text = everything(blocks)
    assert to_mrkdwn(out["privacy_note"]) in text
    assert not any(name in text for name in ("Ann", "Ben", "script"))


# -- limits -------------------------------------------------------------------------------------


def test_limits_hold_for_long_lists_and_long_text(outputs: Outputs) -> None:
    long = "R&D <x> " * 600  # 4,800 characters, each & < > growing when escaped
    candidates = copy.deepcopy(outputs["find_candidates"][1])
    one = candidates["candidates"][1]
    one["person"]["name"] = long
    one["explanation"] = long
    candidates["candidates"] = [one] * 60
    matrix = copy.deepcopy(outputs["team_matrix"][1])
    matrix["matrix"]["rows"] = [matrix["matrix"]["rows"][0] | {"name": long}] * 80
    matrix["matrix"]["rows"][0]["levels"] = {f"{long}{i}": 3 for i in range(20)}
    gap = copy.deepcopy(outputs["analyze_gap"][1])
    gap["gaps"] = [gap["gaps"][0] | {"skill": long}] * 40
    gap["readiness"]["summary"] = long
    path = copy.deepcopy(outputs["plan_career_path"][1])
    path["paths"][0]["steps"] = path["paths"][0]["steps"] * 30
    summary = copy.deepcopy(outputs["team_summary"][1])
    summary["priorities"] = [summary["priorities"][0] | {"detail": long, "action": long}] * 30
    summary["single_points"] = summary["single_points"] * 30
    for tool, out in [
        ("find_candidates", candidates),
        ("team_skills", matrix),
        ("analyze_gap", gap),
        ("plan_career_path", path),
        ("team_skills", summary),
    ]:
        blocks = blocks_for(tool, out)
        assert blocks is not None
        assert_valid(blocks)
    shown = blocks_for("find_candidates", candidates) or []
    assert sum(b["type"] == "divider" for b in shown) == kit.MAX_ITEMS - 1
    assert "50 more candidates not shown." in everything(shown)
    listed = everything(blocks_for("team_skills", summary) or [])
    assert "…and 20 more priorities" in listed and f"…and {3 * 30 - 10} more skills" in listed


def test_fit_caps_the_message_at_fifty_blocks() -> None:
    many = [kit.section(f"item {i}") for i in range(120)]
    fitted = kit.fit(many)
    assert len(fitted) == kit.MAX_BLOCKS and fitted[-1]["type"] == "context"
    assert kit.clip("a &amp; b", 5) == "a …"  # never half an entity
    assert kit.clip("see <https://x.example|x> now", 12) == "see …"  # never half a link


def test_tools_without_a_renderer_stay_plain_text(outputs: Outputs) -> None:
    assert blocks_for("get_profile", {"skills": []}) is None
    assert reply_blocks({}) is None
    assert reply_blocks({"search_skills": {"results": []}}) is None
    tool, out = outputs["match_roles"]
    assert reply_blocks({tool: out}) == blocks_for(tool, out)


# -- through the Slack channel ------------------------------------------------------------------


class ScriptedAgent(Agent):
    """The real agent, except for messages given a reply here (a tool run for real, its output as data)."""

    def __init__(self, deps: Deps) -> None:
        super().__init__(deps, registry)
        self.replies: dict[str, Reply] = {}

    async def ask(self, principal: Principal, text: str, *, conversation_id: str | None = None, channel: str) -> Reply:
        scripted = self.replies.get(text)
        if scripted is None:
            return await super().ask(principal, text, conversation_id=conversation_id, channel=channel)
        return replace(scripted, conversation_id=conversation_id or "")


class PickySlack(FakeSlack):
    """Refuses messages with blocks while ``refuse_blocks`` is set, as Slack does with invalid_blocks."""

    refuse_blocks = False

    def answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "chat.postMessage" and self.refuse_blocks and args.get("blocks"):
            return {"ok": False, "error": "invalid_blocks"}
        return super().answer(method, args)


@pytest.fixture(scope="module")
def picky_slack() -> Iterator[PickySlack]:
    fake = PickySlack()
    with fake:
        yield fake


@pytest.fixture(scope="module")
async def channel_app(
    outputs: Outputs, settings: Settings, picky_slack: PickySlack
) -> AsyncIterator[tuple[SlackClient, ScriptedAgent]]:
    app_settings = settings.model_copy(update={"slack_api_url": picky_slack.url})
    app = create_app(app_settings, embedder=FakeEmbedder())
    assert app_settings.slack_signing_secret is not None
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://slack.test") as http,
    ):
        runtime: Runtime = app.state.runtime
        agent = ScriptedAgent(runtime.deps)
        app.state.runtime = Runtime(runtime.deps, agent)
        yield SlackClient(http, app_settings.slack_signing_secret.get_secret_value()), agent
        pending = [t for t in asyncio.all_tasks() if "run_ack_function" in repr(t)]
        if pending:
            await asyncio.wait(pending, timeout=5)


def _posted_blocks(args: dict[str, Any]) -> list[dict[str, Any]] | None:
    raw = args.get("blocks")
    return json.loads(raw) if isinstance(raw, str) else raw


async def _match_reply(deps: Deps, db: Database, question: str) -> Reply:
    principal = await principal_by_email(db, ORG, DEV)
    out = await registry.call("match_roles", {}, principal, deps, channel="slack")
    data = {"match_roles": out.model_dump(mode="json")}
    return Reply(text=f"{question}: {len(data['match_roles']['matches'])} roles", conversation_id="", data=data,
                 tool_calls=[ToolCall("match_roles", {}, ok=True)])  # fmt: skip


async def test_a_match_question_in_a_dm_is_posted_with_blocks(
    channel_app: tuple[SlackClient, ScriptedAgent], picky_slack: PickySlack, deps: Deps, db: Database
) -> None:
    slack, agent = channel_app
    question = "which roles fit me (scripted)?"
    agent.replies[question] = reply = await _match_reply(deps, db, question)
    channel = unique("D")
    await slack.send(event_callback(dm(DEV_SLACK, question, channel)))
    (post,) = await picky_slack.wait_for_posts(channel)
    assert post.args["text"] == to_mrkdwn(reply.text)  # the notification text, as before
    blocks = _posted_blocks(post.args)
    assert blocks is not None and blocks == blocks_for("match_roles", reply.data["match_roles"])
    assert_valid(blocks)
    first = reply.data["match_roles"]["matches"][0]
    assert f"*1. {to_mrkdwn(first['title'])}*" in everything(blocks)


async def test_blocks_slack_refuses_fall_back_to_the_text(
    channel_app: tuple[SlackClient, ScriptedAgent], picky_slack: PickySlack, deps: Deps, db: Database
) -> None:
    slack, agent = channel_app
    question = "roles for me, plain please (scripted)"
    agent.replies[question] = reply = await _match_reply(deps, db, question)
    channel = unique("D")
    picky_slack.refuse_blocks = True
    try:
        await slack.send(event_callback(dm(DEV_SLACK, question, channel)))
        refused, plain = await picky_slack.wait_for_posts(channel, 2)
    finally:
        picky_slack.refuse_blocks = False
    assert _posted_blocks(refused.args)
    assert plain.args["text"] == to_mrkdwn(reply.text) and not plain.args.get("blocks")


async def test_plain_answers_carry_no_blocks(
    channel_app: tuple[SlackClient, ScriptedAgent], picky_slack: PickySlack
) -> None:
    slack, _ = channel_app
    channel = unique("D")
    await slack.send(event_callback(dm(DEV_SLACK, "what skills do I have?", channel)))
    (post,) = await picky_slack.wait_for_posts(channel)
    assert "Python" in post.args["text"] and not post.args.get("blocks")


async def test_the_planner_routes_a_match_question_to_blocks(
    channel_app: tuple[SlackClient, ScriptedAgent], picky_slack: PickySlack, db: Database
) -> None:
    question = "what roles could I move to?"
    principal = await principal_by_email(db, ORG, DEV)
    plan = await RuleBasedPlanner().plan(question, principal, registry.names())
    if not (isinstance(plan, ToolStep) and plan.tool == "match_roles"):
        pytest.skip("the rule-based planner does not route match questions yet")
    slack, _ = channel_app
    channel = unique("D")
    await slack.send(event_callback(dm(DEV_SLACK, question, channel)))
    (post,) = await picky_slack.wait_for_posts(channel)
    blocks = _posted_blocks(post.args)
    assert blocks is not None, post.args["text"]
    assert_valid(blocks)
    assert blocks[0]["text"]["text"].startswith("Roles that fit") and "*1. " in everything(blocks)


class _BadDataAgent(Agent):
    async def ask(self, principal: Principal, text: str, *, conversation_id: str | None = None, channel: str) -> Reply:
        return Reply(text="Here are your roles.", conversation_id="", data={"match_roles": {"matches": "garbled"}})


async def test_a_renderer_failure_still_answers_with_text(deps: Deps, caplog: pytest.LogCaptureFixture) -> None:
    runtime = Runtime(deps, _BadDataAgent(deps, registry))
    with caplog.at_level(logging.ERROR, logger="hrm.channels.slack.handlers"):
        answer = await answer_message(runtime, TEAM, "UACMEMARTA", "roles?", unique("slack:test:"))
    assert answer.text == "Here are your roles." and answer.text != APOLOGY
    assert answer.blocks is None
    assert any("Block Kit" in r.getMessage() for r in caplog.records)
