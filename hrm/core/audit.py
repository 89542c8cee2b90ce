"""The audit writer: who called which tool with which arguments, and a hash of what came back."""

import hashlib
import json
from typing import Any

from hrm.core.db import Conn
from hrm.core.principals import Principal


def result_digest(payload: Any) -> str:
    encoded = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()


async def write_audit(
    conn: Conn,
    principal: Principal,
    *,
    channel: str,
    tool: str,
    args: dict[str, Any],
    ok: bool,
    error_code: str | None,
    result_sha256: str | None,
    duration_ms: float,
) -> None:
    await conn.execute(
        """INSERT INTO audit_log (org_id, actor_id, actor_role, channel, tool, args, ok, error_code,
                                  result_sha256, duration_ms)
           VALUES (%s, %s, %s, %s, %s, %s::jsonb, %s, %s, %s, %s)""",
        (
            principal.org_id,
            principal.person_id,
            principal.role.value,
            channel,
            tool,
            json.dumps(args, default=str),
            ok,
            error_code,
            result_sha256,
            duration_ms,
        ),
    )
