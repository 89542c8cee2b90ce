"""Job descriptions in Slack: the draft's blocks with export and save buttons, and the buttons."""

import json

from hrm.channels.slack.blocks import blocks_for
from hrm.core.identity import principal_by_email
from hrm.tools import registry
from hrm.tools.context import Deps
from hrm.tools.jd_tools import JDResult
from tests.channels.test_slack import (  # noqa: F401  (fixtures used by name)
    TEAM,
    FakeSlack,
    SlackClient,
    dm,
    event_callback,
    fake_slack,
    slack,
    unique,
)


async def _draft(deps: Deps) -> JDResult:
    hana = await principal_by_email(deps.db, "acme", "hana@acme.test")
    out = await registry.call(
        "generate_job_description", {"title": "Senior Data Engineer", "location": "Berlin"}, hana, deps, channel="test"
    )
    assert isinstance(out, JDResult)
    return out


async def test_a_draft_renders_with_export_and_save_buttons(deps: Deps) -> None:
    out = await _draft(deps)
    blocks = blocks_for("generate_job_description", out.model_dump(mode="json"))
    assert blocks is not None and len(blocks) <= 50
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert {b["action_id"] for b in buttons} >= {"jd_export_markdown", "jd_export_html", "jd_export_json", "jd_save"}
    assert json.loads(buttons[0]["value"]) == {"jd_id": str(out.jd_id), "version": 1}
    assert any("Senior Data Engineer" in json.dumps(b) for b in blocks)


async def test_export_button_posts_the_version_and_others_are_refused(
    deps: Deps,
    slack: SlackClient,  # noqa: F811  (the imported fixture, by name)
    fake_slack: FakeSlack,  # noqa: F811
) -> None:
    out = await _draft(deps)
    value = json.dumps({"jd_id": str(out.jd_id), "version": 1})
    channel = unique("D")
    click = {
        "type": "block_actions", "team": {"id": TEAM}, "user": {"id": "UACMEHANA"}, "channel": {"id": channel},
        "message": {"ts": "1700000000.000100"},
        "actions": [{"action_id": "jd_export_markdown", "value": value, "type": "button"}],
    }  # fmt: skip
    assert (await slack.interact(click)).status_code == 200
    (post,) = await fake_slack.wait_for_posts(channel)
    assert "# Senior Data Engineer" in post.args["text"] and post.args["thread_ts"] == "1700000000.000100"
    # An employee pressing a forwarded button gets a refusal, not the document.
    other = unique("D")
    forwarded = {**click, "user": {"id": "UACMEEVE"}, "channel": {"id": other}}
    assert (await slack.interact(forwarded)).status_code == 200
    (refusal,) = await fake_slack.wait_for_posts(other)
    assert "Senior Data Engineer" not in refusal.args["text"]


async def test_hr_drafts_in_a_dm_and_refines_by_replying_in_the_thread(
    slack: SlackClient,  # noqa: F811  (the imported fixture, by name)
    fake_slack: FakeSlack,  # noqa: F811
) -> None:
    channel = unique("D")
    await slack.send(event_callback(dm("UACMEHANA", "draft a JD for a senior data engineer in Berlin", channel)))
    (draft,) = await fake_slack.wait_for_posts(channel)
    blocks = json.loads(draft.args["blocks"]) if isinstance(draft.args["blocks"], str) else draft.args["blocks"]
    assert any(e.get("action_id") == "jd_export_html" for b in blocks if b["type"] == "actions" for e in b["elements"])
    thread = "1700000001.000200"  # the draft's message: the person replies in its thread
    for n, text in enumerate(["make it more senior", "add Kubernetes as essential", "shorter"], start=2):
        await slack.send(event_callback(dm("UACMEHANA", text, channel, thread_ts=thread)))
        posts = await fake_slack.wait_for_posts(channel, n)
        reply = posts[-1]
        assert reply.args["thread_ts"] == thread
        assert f"Version {n}" in json.dumps(reply.args)
    assert "Kubernetes" in json.dumps(posts[2].args)
