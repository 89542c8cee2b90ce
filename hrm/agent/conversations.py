"""Conversations and their messages, stored per organisation (row-level security applies)."""

import json
import secrets
from typing import Any

from hrm.core.db import Conn
from hrm.core.errors import PermissionDenied
from hrm.core.principals import Principal


def new_conversation_id() -> str:
    return "c_" + secrets.token_urlsafe(12)


async def open_conversation(conn: Conn, principal: Principal, conversation_id: str, channel: str) -> None:
    """Create the conversation if new; refuse one that belongs to somebody else."""
    cur = await conn.execute(
        """INSERT INTO conversations (org_id, id, person_id, channel) VALUES (%s, %s, %s, %s)
           ON CONFLICT (org_id, id) DO UPDATE SET updated_at = now()
           RETURNING person_id""",
        (principal.org_id, conversation_id, principal.person_id, channel),
    )
    row = await cur.fetchone()
    if row is None or row["person_id"] != principal.person_id:
        raise PermissionDenied("that conversation belongs to someone else; start a new one")


async def add_message(
    conn: Conn, principal: Principal, conversation_id: str, sender: str, content: str, data: dict[str, Any]
) -> None:
    await conn.execute(
        """INSERT INTO messages (org_id, conversation_id, sender, content, data)
           VALUES (%s, %s, %s, %s, %s::jsonb)""",
        (principal.org_id, conversation_id, sender, content, json.dumps(data, default=str)),
    )


async def recent_messages(conn: Conn, principal: Principal, conversation_id: str, limit: int) -> list[tuple[str, str]]:
    """The conversation's last ``limit`` messages as (sender, text), oldest first."""
    cur = await conn.execute(
        """SELECT sender, content FROM messages WHERE org_id = %s AND conversation_id = %s
           ORDER BY id DESC LIMIT %s""",
        (principal.org_id, conversation_id, limit),
    )
    return [(str(r["sender"]), str(r["content"])) for r in reversed(await cur.fetchall())]
