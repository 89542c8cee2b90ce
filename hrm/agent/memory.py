"""What a conversation keeps in focus between turns: the person, role, skill and job description
last talked about, and the last tool run. Stored in ``conversations.state`` (row-level security
applies), so a follow-up in another process or a Slack thread reply continues where it left off.
"""

import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from hrm.core.db import Conn
from hrm.core.principals import Principal


@dataclass(frozen=True)
class Focus:
    person: str | None = None  # as a tool accepts it (a name or email); None means the caller
    role: str | None = None
    skill: str | None = None
    jd_id: str | None = None
    last_tool: str | None = None
    last_args: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_state(cls, state: dict[str, Any] | None) -> "Focus":
        raw = (state or {}).get("focus") or {}
        known = {k: raw[k] for k in ("person", "role", "skill", "jd_id", "last_tool") if isinstance(raw.get(k), str)}
        args = raw.get("last_args")
        return cls(**known, last_args=dict(args) if isinstance(args, dict) else {})

    def to_state(self) -> dict[str, Any]:
        return {"focus": asdict(self)}


async def load_focus(conn: Conn, principal: Principal, conversation_id: str) -> Focus:
    cur = await conn.execute(
        "SELECT state FROM conversations WHERE org_id = %s AND id = %s", (principal.org_id, conversation_id)
    )
    row = await cur.fetchone()
    return Focus.from_state(row["state"] if row else None)


async def save_focus(conn: Conn, principal: Principal, conversation_id: str, focus: Focus) -> None:
    await conn.execute(
        "UPDATE conversations SET state = state || %s::jsonb, updated_at = now() WHERE org_id = %s AND id = %s",
        (json.dumps(focus.to_state(), default=str), principal.org_id, conversation_id),
    )


def text_arg(value: object) -> str | None:
    """A tool argument as non-blank text, else None."""
    return value.strip() if isinstance(value, str) and value.strip() else None


def after_tool(focus: Focus, tool: str, args: dict[str, Any], data: dict[str, Any] | None) -> Focus:
    """The focus once ``tool`` has run with ``args`` (``data`` is its output, None when it failed)."""
    out = data or {}
    new = replace(focus, last_tool=tool, last_args=dict(args))
    if tool in ("get_profile", "match_roles", "analyze_gap", "plan_career_path", "update_skill"):
        person = out.get("person")
        if isinstance(person, dict) and "is_self" in out:
            # A name from the output, not the user's spelling: "what about her?" then finds one person.
            who = text_arg(person.get("email")) or text_arg(person.get("name"))
            new = replace(new, person=None if out["is_self"] else who)
        elif "person" in args or data is not None:
            new = replace(new, person=text_arg(args.get("person")))
    if tool in ("analyze_gap", "find_candidates"):
        new = replace(new, role=text_arg(args.get("role")) or new.role)
    if tool == "plan_career_path":
        new = replace(new, role=text_arg(args.get("target")) or new.role)
    if tool in ("team_skills", "get_skill", "update_skill") and text_arg(args.get("skill")):
        new = replace(new, skill=text_arg(args.get("skill")))
    if tool == "search_skills" and text_arg(args.get("query")):
        new = replace(new, skill=text_arg(args.get("query")))
    if tool == "team_skills" and text_arg(args.get("cover_for")):
        new = replace(new, person=text_arg(args.get("cover_for")))
    if tool == "generate_job_description":
        new = replace(new, role=text_arg(args.get("title")) or new.role)
    if tool.endswith("job_description") or tool == "list_job_description_versions":
        jd = out.get("jd_id") or args.get("jd_id")
        if jd:
            new = replace(new, jd_id=str(jd))
    return new
