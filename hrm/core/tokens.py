"""Bearer tokens for the REST API: a JWT naming the organisation, person and role, with an expiry."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import jwt

from hrm.core.errors import Unauthenticated
from hrm.core.principals import Principal

ISSUER = "ai-hrm"
ALGORITHM = "HS256"


def mint(secret: str, principal: Principal, ttl: timedelta, *, now: datetime | None = None) -> str:
    issued = now or datetime.now(UTC)
    claims = {
        "iss": ISSUER,
        "sub": str(principal.person_id),
        "org": str(principal.org_id),
        "org_slug": principal.org_slug,
        "role": principal.role.value,
        "email": principal.email,
        "iat": int(issued.timestamp()),
        "exp": int((issued + ttl).timestamp()),
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def verify(secret: str, token: str) -> tuple[UUID, UUID]:
    """(org id, person id) of a valid token; anything else is Unauthenticated."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token, secret, algorithms=[ALGORITHM], issuer=ISSUER, options={"require": ["exp", "sub", "org", "iss"]}
        )
        return UUID(claims["org"]), UUID(claims["sub"])
    except (jwt.PyJWTError, ValueError, KeyError) as exc:
        raise Unauthenticated(f"invalid or expired token ({exc.__class__.__name__})") from None
