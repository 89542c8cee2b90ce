"""The Slack channel: a Bolt app mounted in the FastAPI app at ``POST /slack/events``.

Bolt verifies each request's signature and timestamp, answers Slack's URL check, and acknowledges
events at once; the listeners then ask the agent and post the reply with ``chat.postMessage``.
"""

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from slack_bolt.adapter.fastapi.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from hrm.channels.runtime import Runtime
from hrm.channels.slack.dedupe import EventDeduplicator
from hrm.channels.slack.files import CONFIRM, DISPUTE, Download, analyse_files, downloader, record_verdict
from hrm.channels.slack.handlers import (
    APOLOGY,
    UNKNOWN_USER,
    SlackAnswer,
    answer_message,
    bot_user_id,
    button_press,
    conversation_id,
    from_a_person,
    is_direct_message,
    is_shared_file,
    strip_mention,
    to_mrkdwn,
)
from hrm.channels.slack.jd_actions import JD_ACTIONS, JDAnswer, jd_action
from hrm.channels.slack.privacy import answer_privacy, register_privacy_actions
from hrm.core.identity import principal_for_slack
from hrm.core.settings import Settings

log = logging.getLogger(__name__)


def mount_slack(app: FastAPI, settings: Settings) -> None:
    """Register ``POST /slack/events``; it answers 503 while Slack is not configured."""
    handler = AsyncSlackRequestHandler(build_bolt(settings)) if is_configured(settings) else None

    @app.post("/slack/events", tags=["slack"], summary="Slack Events API endpoint", response_model=None)
    async def slack_events(request: Request) -> Response:
        if handler is None:
            return _unavailable("Slack is not configured: set HRM_SLACK_SIGNING_SECRET and HRM_SLACK_BOT_TOKEN")
        runtime: Runtime | None = getattr(request.app.state, "runtime", None)
        if runtime is None:
            return _unavailable("the service is still starting")
        # The REST API's limiter, so a person's chat allowance is shared by both channels.
        limiter = getattr(request.app.state, "rate_limiter", None)
        return await handler.handle(request, {"runtime": runtime, "limiter": limiter})


def is_configured(settings: Settings) -> bool:
    return settings.slack_signing_secret is not None and settings.slack_bot_token is not None


def build_bolt(settings: Settings) -> AsyncApp:
    """The Bolt app; building it calls no Slack API (no ``auth.test``)."""
    assert settings.slack_signing_secret is not None and settings.slack_bot_token is not None
    token = settings.slack_bot_token.get_secret_value()
    dedupe = EventDeduplicator()

    async def first_time(context: AsyncBoltContext, body: dict[str, Any]) -> bool:
        runtime: Runtime = context["runtime"]
        return await dedupe.first_time(runtime.db, body.get("event_id"))

    async def authorize(enterprise_id: str | None, team_id: str | None, user_id: str | None) -> AuthorizeResult:
        # One workspace and a static bot token: nothing to look up.
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, user_id=user_id, bot_token=token)

    bolt = AsyncApp(
        name="ai-hrm",
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        # No token here: each request's client gets it from ``authorize``.
        # A 429 from the Web API is retried after its Retry-After (twice at most), not dropped.
        client=AsyncWebClient(
            base_url=settings.slack_api_url.rstrip("/") + "/",
            retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=2)],
        ),
        authorize=authorize,
        # A long-running server: the 200 goes back as soon as a listener acks, the work continues.
        process_before_response=False,
    )

    @bolt.event("message")
    async def on_message(
        ack: AsyncAck, body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        await ack()
        if is_shared_file(event, bot_user_id(body)) and await first_time(context, body):
            await _answer_files(context, client, body, event, downloader(token, settings.slack_api_url))
        elif (
            is_direct_message(event, bot_user_id(body))
            and await first_time(context, body)
            and not await answer_privacy(context, client, body, event)  # export / delete my data
        ):
            await _answer(context, client, body, event, thread_ts=event.get("thread_ts"))

    @bolt.event("app_mention")
    async def on_mention(
        ack: AsyncAck, body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        await ack()
        if from_a_person(event, bot_user_id(body)) and await first_time(context, body):
            await _answer(context, client, body, event, thread_ts=event.get("thread_ts") or event.get("ts"))

    @bolt.action(re.compile(f"^({CONFIRM}|{DISPUTE})$"))
    async def on_verdict(
        ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        await ack()
        channel = str((body.get("channel") or {}).get("id") or "")
        try:
            press = await button_press(context, body)
            text = UNKNOWN_USER if press.principal is None else await record_verdict(
                press.runtime, press.principal, press.action_id, press.value
            )  # fmt: skip
        except Exception:
            log.exception("Slack action could not be recorded")
            text = APOLOGY
        await client.chat_postMessage(channel=channel, text=to_mrkdwn(text))

    @bolt.action(re.compile(JD_ACTIONS))
    async def on_jd_button(
        ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        await ack()
        channel = str((body.get("channel") or {}).get("id") or "")
        thread = (body.get("message") or {}).get("thread_ts") or (body.get("message") or {}).get("ts")
        try:
            press = await button_press(context, body)
            answer = JDAnswer(UNKNOWN_USER) if press.principal is None else await jd_action(
                press.runtime, press.principal, press.action_id, press.value
            )  # fmt: skip
        except Exception:
            log.exception("Slack job-description action failed")
            answer = JDAnswer(APOLOGY)
        if answer.file is not None:
            await client.files_upload_v2(
                channel=channel,
                thread_ts=thread,
                filename=answer.file.filename,
                content=answer.file.content,
                title=answer.file.filename,
                initial_comment=answer.text,
            )
        else:
            await client.chat_postMessage(channel=channel, text=answer.text, thread_ts=thread)

    register_privacy_actions(bolt)
    return bolt


async def _answer_files(
    context: AsyncBoltContext, client: AsyncWebClient, body: dict[str, Any], event: dict[str, Any], download: Download
) -> None:
    channel = str(event.get("channel") or "")
    blocks: list[dict[str, Any]] | None = None
    try:
        runtime: Runtime = context["runtime"]
        team = context.team_id or str(body.get("team_id") or "")
        principal = await principal_for_slack(runtime.db, team, str(event["user"]))
        if principal is None:
            text = UNKNOWN_USER
        else:
            text, blocks = await analyse_files(runtime, principal, list(event.get("files") or []), download)
    except Exception:
        log.exception("shared files in Slack event %s could not be analysed", body.get("event_id"))
        text = APOLOGY
    await client.chat_postMessage(channel=channel, text=to_mrkdwn(text), blocks=blocks)


async def _answer(
    context: AsyncBoltContext,
    client: AsyncWebClient,
    body: dict[str, Any],
    event: dict[str, Any],
    *,
    thread_ts: str | None,
) -> None:
    channel = str(event.get("channel") or "")
    try:
        runtime: Runtime = context["runtime"]
        team = context.team_id or str(body.get("team_id") or "")
        text = strip_mention(str(event.get("text") or ""), bot_user_id(body))
        user = str(event["user"])
        # A DM is one conversation with one person, threads included, so a reply in the thread
        # under a draft refines that draft; in channels each thread is its own conversation.
        memory = None if event.get("channel_type") == "im" else thread_ts
        answer = await answer_message(
            runtime, team, user, text, conversation_id(team, channel, memory, user), limiter=context.get("limiter")
        )
    except Exception:
        log.exception("Slack event %s could not be answered", body.get("event_id"))
        answer = SlackAnswer(APOLOGY)
    await _post(client, channel, answer, thread_ts)


async def _post(client: AsyncWebClient, channel: str, answer: SlackAnswer, thread_ts: str | None) -> None:
    text = to_mrkdwn(answer.text)
    try:
        try:
            await client.chat_postMessage(channel=channel, text=text, blocks=answer.blocks, thread_ts=thread_ts)
        except SlackApiError as exc:
            if not answer.blocks:
                raise
            # Slack refused the blocks (invalid_blocks, say): the plain text still answers.
            log.warning("Slack refused the blocks (%s); posting the text alone", exc.response.get("error"))
            await client.chat_postMessage(channel=channel, text=text, thread_ts=thread_ts)
    except Exception:
        log.exception("could not post the reply to Slack channel %s", channel)


def _unavailable(message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": "configuration_error", "message": message}}, status_code=503)
