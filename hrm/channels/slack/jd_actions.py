"""The buttons under a job description in Slack: export as Markdown, HTML or JSON, and save."""

import json
from dataclasses import dataclass

from hrm.channels.runtime import Runtime
from hrm.channels.slack.blocks import escape
from hrm.core.errors import HRMError
from hrm.core.principals import Principal
from hrm.tools import registry
from hrm.tools.jd_tools import ExportJDOutput

JD_ACTIONS = r"^jd_(export_(markdown|html|json)|save)$"
MAX_INLINE = 3500  # Slack shows up to about 4,000 characters in one message; longer goes as a file


@dataclass(frozen=True)
class JDAnswer:
    text: str = ""
    file: ExportJDOutput | None = None  # too long to show inline: uploaded as a file instead


async def jd_action(runtime: Runtime, principal: Principal, action_id: str, value: str) -> JDAnswer:
    """What answers one button press: a message, or a file to upload."""
    try:
        ref = json.loads(value)
        jd_id, version = str(ref["jd_id"]), ref.get("version")
    except (ValueError, KeyError, TypeError):
        return JDAnswer("That button no longer points at a job description.")
    if action_id == "jd_save":
        # Every version is stored when it is made; saving confirms which one is the keeper.
        return JDAnswer(f"Saved: version {version} is stored. Ask “show the versions” to see them all.")
    fmt = action_id.removeprefix("jd_export_")
    try:
        out = await registry.call(
            "export_job_description",
            {"jd_id": jd_id, "format": fmt, "version": version},
            principal,
            runtime.deps,
            channel="slack",
        )
    except HRMError as exc:
        return JDAnswer(exc.message)
    assert isinstance(out, ExportJDOutput)
    if len(out.content) <= MAX_INLINE:
        return JDAnswer(f"{escape(out.filename)} (v{out.version}):\n```{escape(out.content)}```")
    return JDAnswer(f"{escape(out.filename)} (v{out.version}) is attached.", file=out)
