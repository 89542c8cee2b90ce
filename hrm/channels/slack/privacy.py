"""Privacy rights in a Slack DM: "export my data" answers with a JSON file, "delete my data" with a
confirmation button; only the button (pressed by the same person) erases, never the message alone."""

import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from hrm.channels.runtime import Runtime
from hrm.channels.slack.handlers import button_press
from hrm.core.errors import HRMError
from hrm.core.identity import principal_for_slack
from hrm.core.principals import Principal
from hrm.tools import privacy
from hrm.tools.privacy import EraseMyDataOutput, ExportMyDataOutput
from hrm.tools.registry import registry

log = logging.getLogger(__name__)

ERASE_CONFIRM, ERASE_CANCEL = "privacy_erase_confirm", "privacy_erase_cancel"
_EXPORT = re.compile(r"^\s*(please\s+)?(export|download|send me)\s+(all\s+)?my\s+(personal\s+)?data\W*$", re.I)
_ERASE = re.compile(r"^\s*(please\s+)?(delete|erase|remove|forget)\s+(all\s+)?(my\s+(personal\s+)?data|me)\W*$", re.I)

Intent = Literal["export", "erase"]


def privacy_intent(text: str) -> Intent | None:
    """Only the plain request itself: a longer message mentioning deletion goes to the agent."""
    if _EXPORT.match(text):
        return "export"
    if _ERASE.match(text):
        return "erase"
    return None


@dataclass(frozen=True)
class PrivacyAnswer:
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    filename: str | None = None
    content: str | None = None


async def privacy_answer(runtime: Runtime, principal: Principal, intent: Intent) -> PrivacyAnswer:
    if intent == "export":
        out = await registry.call(privacy.export_my_data.__name__, {}, principal, runtime.deps, channel="slack")
        assert isinstance(out, ExportMyDataOutput)
        return PrivacyAnswer(
            text="Here is everything I hold about you, as JSON.",
            filename="my-data.json",
            content=json.dumps(out.model_dump(mode="json"), ensure_ascii=False, indent=2),
        )
    text = (
        "This permanently deletes your profile, skills, evidence, documents, conversations and consents. "
        "The audit trail keeps a pseudonym instead of you. It cannot be undone."
    )
    value = str(principal.person_id)
    return PrivacyAnswer(
        text=text,
        blocks=[
            {"type": "section", "text": {"type": "mrkdwn", "text": text}},
            {"type": "actions", "elements": [
                {"type": "button", "style": "danger", "action_id": ERASE_CONFIRM, "value": value,
                 "text": {"type": "plain_text", "text": "Delete my data"},
                 "confirm": {"title": {"type": "plain_text", "text": "Delete everything?"},
                             "text": {"type": "plain_text", "text": "This cannot be undone."},
                             "confirm": {"type": "plain_text", "text": "Delete"},
                             "deny": {"type": "plain_text", "text": "Keep it"}}},
                {"type": "button", "action_id": ERASE_CANCEL, "value": value,
                 "text": {"type": "plain_text", "text": "Cancel"}},
            ]},
        ],
    )  # fmt: skip


async def confirm_erase(runtime: Runtime, principal: Principal, action_id: str, value: str) -> str:
    """The button's answer; the presser must be the person the button was offered to."""
    if value != str(principal.person_id):
        return "That button was meant for someone else, so nothing was deleted."
    if action_id == ERASE_CANCEL:
        return "Cancelled: nothing was deleted."
    try:
        out = await registry.call(
            privacy.erase_my_data.__name__, {"confirm": True}, principal, runtime.deps, channel="slack"
        )
    except HRMError as exc:
        return exc.message
    assert isinstance(out, EraseMyDataOutput)
    return "Done: everything I held about you is deleted. Goodbye!"


async def answer_privacy(
    context: AsyncBoltContext, client: AsyncWebClient, body: dict[str, Any], event: dict[str, Any]
) -> bool:
    """Answer a privacy request in a DM; False when the message is something else."""
    intent = privacy_intent(str(event.get("text") or ""))
    if intent is None:
        return False
    channel = str(event.get("channel") or "")
    runtime: Runtime = context["runtime"]
    team = context.team_id or str(body.get("team_id") or "")
    principal = await principal_for_slack(runtime.db, team, str(event.get("user") or ""))
    if principal is None:
        return False  # the agent's path answers unknown users
    try:
        answer = await privacy_answer(runtime, principal, intent)
    except HRMError as exc:
        answer = PrivacyAnswer(exc.message)
    if answer.content is not None:
        await client.files_upload_v2(
            channel=channel, filename=answer.filename, content=answer.content, initial_comment=answer.text
        )
    else:
        await client.chat_postMessage(channel=channel, text=answer.text, blocks=answer.blocks or None)
    return True


def register_privacy_actions(bolt: AsyncApp) -> None:
    @bolt.action(re.compile(f"^({ERASE_CONFIRM}|{ERASE_CANCEL})$"))
    async def on_erase_button(
        ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        await ack()
        channel = str((body.get("channel") or {}).get("id") or "")
        try:
            press = await button_press(context, body)
            text = (
                "I don't know you, so there is nothing of yours to delete."
                if press.principal is None
                else await confirm_erase(press.runtime, press.principal, press.action_id, press.value)
            )
        except Exception:
            log.exception("Slack erase button failed")
            text = "Something went wrong; nothing was deleted. Please try again."
        await client.chat_postMessage(channel=channel, text=text)
