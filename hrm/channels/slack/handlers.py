"""Slack events to agent replies: the logic behind the Bolt listeners, testable without HTTP."""

import logging
import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from hrm.channels.runtime import Runtime
from hrm.channels.slack.blocks import Block, reply_blocks
from hrm.core.identity import emails_for_slack_ids, principal_for_slack
from hrm.core.principals import Principal
from hrm.core.ratelimit import RateLimiter, too_many_requests_message

log = logging.getLogger(__name__)

CHANNEL = "slack"
UNKNOWN_USER = "I don't know you yet — ask HR to add your Slack id."
APOLOGY = "Sorry, something went wrong on my side and I could not answer. Please try again in a moment."

_USER_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")
_LEADING_MENTION = re.compile(r"^\s*<@[A-Z0-9]+(?:\|[^>]*)?>[\s,:]*")
_SPACE = re.compile(r"\s+")


def conversation_id(team_id: str, channel_id: str, thread_ts: str | None, user_id: str) -> str:
    """One conversation per person per DM (or thread), so follow-ups continue it; several people
    in one thread each keep their own, since a conversation belongs to one person."""
    return f"slack:{team_id}:{channel_id}:{thread_ts or 'dm'}:{user_id}"


def bot_user_id(body: dict[str, Any]) -> str | None:
    """The bot's own user id, from the authorizations Slack sends with every event (no auth.test)."""
    for authorization in body.get("authorizations") or []:
        if authorization.get("is_bot") and authorization.get("user_id"):
            return str(authorization["user_id"])
    return None


def strip_mention(text: str, bot_id: str | None) -> str:
    # Without the bot's id, only a leading mention is taken for ours: later ones may name people.
    mention = re.compile(rf"<@{re.escape(bot_id)}(?:\|[^>]*)?>[,:]?") if bot_id else _LEADING_MENTION
    return _SPACE.sub(" ", mention.sub(" ", text)).strip()


def from_a_person(event: dict[str, Any], bot_id: str | None) -> bool:
    """A plain message typed by a person: no bots (ourselves included), no edits, joins or other subtypes."""
    user = event.get("user")
    return bool(user) and user != bot_id and not event.get("bot_id") and not event.get("subtype")


def is_shared_file(event: dict[str, Any], bot_id: str | None) -> bool:
    """A person sharing files with the bot in a DM (the one message subtype that is answered)."""
    user = event.get("user")
    return (
        event.get("channel_type") == "im"
        and event.get("subtype") == "file_share"
        and bool(event.get("files"))
        and bool(user)
        and user != bot_id
        and not event.get("bot_id")
    )


def is_direct_message(event: dict[str, Any], bot_id: str | None) -> bool:
    return event.get("channel_type") == "im" and from_a_person(event, bot_id)


def to_mrkdwn(text: str) -> str:
    """Slack reads ``<``, ``>`` and ``&`` as markup; the agent's replies are plain text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class RecentEvents:
    """Event ids seen lately, so a Slack retry of an event already answered is not answered twice."""

    def __init__(self, size: int = 1000) -> None:
        self._size = size
        self._seen: OrderedDict[str, None] = OrderedDict()

    def first_time(self, event_id: str | None) -> bool:
        if not event_id:
            return True
        if event_id in self._seen:
            return False
        self._seen[event_id] = None
        if len(self._seen) > self._size:
            self._seen.popitem(last=False)
        return True


async def _mentions_as_emails(runtime: Runtime, principal: Principal, text: str) -> str:
    """``<@U123>`` becomes that colleague's email, so "what skills does @Marta have?" names her;
    the tools still decide whether the asker may see her."""
    ids = set(_USER_MENTION.findall(text))
    if not ids:
        return text
    emails = await emails_for_slack_ids(runtime.db, principal.org_id, ids)
    return _USER_MENTION.sub(lambda m: emails.get(m.group(1), "someone I don't know"), text)


@dataclass(frozen=True)
class SlackAnswer:
    """What to post: ``text`` (plain; the notification and fallback) and Block Kit when a tool's
    result has a richer form (matches, gaps, career paths, team skills)."""

    text: str
    blocks: list[Block] | None = None


def _blocks(data: dict[str, Any]) -> list[Block] | None:
    try:
        return reply_blocks(data)
    except Exception:
        # The text answers on its own; a renderer's bug must not cost the person the answer.
        log.exception("Block Kit rendering failed for %s", sorted(data))
        return None


async def answer_message(
    runtime: Runtime,
    team_id: str,
    user_id: str,
    text: str,
    conversation_id: str,
    *,
    limiter: RateLimiter | None = None,
) -> SlackAnswer:
    """The answer to one Slack message from ``user_id``; never raises, never shows an exception.

    With a ``limiter``, a person over their chat allowance (shared with the REST chat) is told to
    wait instead of being answered."""
    try:
        principal = await principal_for_slack(runtime.db, team_id, user_id)
        if principal is None:
            return SlackAnswer(UNKNOWN_USER)
        if limiter is not None and not (decision := limiter.chat_turn(principal.org_id, principal.person_id)).allowed:
            return SlackAnswer(too_many_requests_message(decision))
        text = await _mentions_as_emails(runtime, principal, text)
        reply = await runtime.agent.ask(principal, text, conversation_id=conversation_id, channel=CHANNEL)
        return SlackAnswer(reply.text, _blocks(reply.data))
    except Exception:
        log.exception("Slack message from %s in team %s could not be answered", user_id, team_id)
        return SlackAnswer(APOLOGY)


async def handle_message(runtime: Runtime, team_id: str, user_id: str, text: str, conversation_id: str) -> str:
    """The reply text to one Slack message from ``user_id``; never raises, never shows an exception."""
    return (await answer_message(runtime, team_id, user_id, text, conversation_id)).text


@dataclass(frozen=True)
class Press:
    """A button press: who pressed it (None when Slack's user is unknown here), and what."""

    runtime: Runtime
    principal: Principal | None
    action_id: str
    value: str


async def button_press(context: Any, body: dict[str, Any]) -> Press:
    """Read an interactive payload (its signature already checked by Bolt) into a Press."""
    runtime: Runtime = context["runtime"]
    team = context.team_id or str((body.get("team") or {}).get("id") or "")
    principal = await principal_for_slack(runtime.db, team, str(body["user"]["id"]))
    action = body["actions"][0]
    return Press(runtime, principal, str(action["action_id"]), str(action["value"]))
