"""Abuse limits on the REST API: request body size (413) and request rates (429 with Retry-After).

Both are plain ASGI middleware so a refused request costs no database work: sizes are checked from
``Content-Length`` and again while the body streams in (a chunked body has no length up front), and
the rate limit reads the caller from the bearer token's signature alone. An invalid token is not
counted here; authentication answers it with 401.
"""

import json
import re
from typing import Any

from fastapi import FastAPI, HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hrm.core.errors import Unauthenticated
from hrm.core.ratelimit import Decision, RateLimiter, too_many_requests_message
from hrm.core.settings import Settings
from hrm.core.tokens import verify

# The chat route: a chat turn also spends the person's chat allowance, shared with Slack.
_CHAT_PATH = re.compile(r"^/api/v2/organizations/[^/]+/chat/?$")


def install(app: FastAPI, settings: Settings) -> RateLimiter:
    """Add both middlewares; the limiter is kept on ``app.state.rate_limiter`` for the Slack channel."""
    limiter = RateLimiter(settings)
    app.state.rate_limiter = limiter
    # Added last runs first: the size check sees the request before the rate limit spends a token.
    app.add_middleware(RateLimitMiddleware, limiter=limiter, jwt_secret=settings.resolved_jwt_secret)
    app.add_middleware(
        BodySizeLimitMiddleware, max_body_bytes=settings.max_body_bytes, max_upload_bytes=settings.max_upload_bytes
    )
    return limiter


async def _send_json(send: Send, status: int, code: str, message: str, headers: list[tuple[bytes, bytes]]) -> None:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=_too_large(limit))


def _too_large(limit: int) -> str:
    size = f"{limit / 1_000_000:.1f} MB" if limit >= 1_000_000 else f"{limit // 1000} kB"
    return f"The request body is too large: the limit is {size}. Send less, or split it into several requests."


class BodySizeLimitMiddleware:
    """413 for bodies above the limit: uploads (multipart) get the larger allowance."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.max_body = max_body_bytes
        self.max_upload = max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        content_type = (_header(scope, b"content-type") or "").lower()
        limit = self.max_upload if content_type.startswith("multipart/") else self.max_body
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _send_json(send, 413, "payload_too_large", _too_large(limit), [])
            return

        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Raised inside the route's body parsing, which lets HTTPException through.
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, counted, send)


class RateLimitMiddleware:
    """429 with Retry-After once a person or their organisation is over its rate."""

    def __init__(self, app: ASGIApp, *, limiter: RateLimiter, jwt_secret: Any) -> None:
        self.app = app
        self.limiter = limiter
        self._secret = jwt_secret  # a callable: the secret may be created on first use
        self._resolved: str | None = None

    def _caller(self, scope: Scope) -> tuple[Any, Any] | None:
        auth = _header(scope, b"authorization") or ""
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        if self._resolved is None:
            self._resolved = str(self._secret())
        try:
            return verify(self._resolved, token.strip())
        except Unauthenticated:
            return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.limiter.enabled or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        caller = self._caller(scope)
        if caller is not None:
            org_id, person_id = caller
            decision = self.limiter.request(org_id, person_id)
            if decision.allowed and scope["method"] == "POST" and _CHAT_PATH.match(scope["path"]):
                decision = self.limiter.chat_turn(org_id, person_id)
            if not decision.allowed:
                await _refuse(send, decision)
                return
        await self.app(scope, receive, send)


async def _refuse(send: Send, decision: Decision) -> None:
    await _send_json(
        send,
        429,
        "rate_limited",
        too_many_requests_message(decision),
        [(b"retry-after", decision.retry_after_header.encode())],
    )
