"""A CV shared with the bot in a DM: download it, infer and keep the skills, and answer with a
button to confirm or dispute each one."""

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlparse

import httpx

from hrm.channels.runtime import Runtime
from hrm.core.errors import HRMError
from hrm.core.principals import Principal
from hrm.retrieval.intake import MAX_BYTES, read_document
from hrm.tools import registry
from hrm.tools.infer import InferSkillsOutput

MAX_FILES = 3
SHOWN = 12
CONFIRM, DISPUTE = "passport_confirm", "passport_dispute"

Download = Callable[[str], Awaitable[bytes]]


def allowed_file_url(url: str, api_url: str) -> bool:
    """Files come from Slack's own file host (or, in tests, the configured API host): the bot's
    token is never sent anywhere else, and nothing inside the network is fetched on a user's say."""
    target, api = urlparse(url), urlparse(api_url)
    return target.scheme in ("https", "http") and (
        target.hostname == "files.slack.com" or (target.hostname == api.hostname and target.port == api.port)
    )


def downloader(token: str, api_url: str) -> Download:
    async def download(url: str) -> bytes:
        if not allowed_file_url(url, api_url):
            raise HRMError("that file is not on Slack's file server, so I did not fetch it")
        async with (
            httpx.AsyncClient(timeout=20) as http,
            http.stream("GET", url, headers={"Authorization": f"Bearer {token}"}) as response,
        ):
            response.raise_for_status()
            data = b""
            async for chunk in response.aiter_bytes():
                data += chunk
                if len(data) > MAX_BYTES:
                    break
            return data

    return download


async def analyse_files(
    runtime: Runtime, principal: Principal, files: list[dict[str, Any]], download: Download
) -> tuple[str, list[dict[str, Any]]]:
    """(fallback text, Block Kit blocks) answering the shared files."""
    documents, problems = [], []
    for meta in files[:MAX_FILES]:
        name = str(meta.get("name") or "file")
        if int(meta.get("size") or 0) > MAX_BYTES:
            problems.append(f"{name} is larger than {MAX_BYTES // (1024 * 1024)} MB")
            continue
        try:
            data = await download(str(meta.get("url_private_download") or meta.get("url_private") or ""))
            document = read_document(data, name)
        except HRMError as exc:
            problems.append(exc.message)
            continue
        except httpx.HTTPError:
            problems.append(f"I could not download {name} from Slack")
            continue
        documents.append({"file": document.file, "source": document.source, "text": document.text})
    if not documents:
        text = "I could not read that: " + "; ".join(problems or ["no file"])
        return text, [_section(text)]
    out = await registry.call(
        "infer_skills", {"documents": documents, "save_for": "me"}, principal, runtime.deps, channel="slack"
    )
    assert isinstance(out, InferSkillsOutput)
    return _blocks(out, [d["file"] for d in documents], problems)


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _button(label: str, action_id: str, skill_id: int, style: str) -> dict[str, Any]:
    text = {"type": "plain_text", "text": label}
    return {"type": "button", "text": text, "style": style, "action_id": action_id, "value": str(skill_id)}


def _blocks(out: InferSkillsOutput, files: list[str], problems: list[str]) -> tuple[str, list[dict[str, Any]]]:
    skills = out.skills[:SHOWN]
    intro = (
        f"I read {', '.join(files)} and found {len(out.skills)} skills; they are in your skill passport as "
        "*inferred* until you confirm them. Confirm the ones that are right, dispute the others:"
    )
    blocks = [_section(_escape(intro))]
    for skill in skills:
        quote = skill.evidence[0].quote[:150] if skill.evidence else ""
        level = f"{skill.proficiency_label} ({skill.proficiency}/5)"
        line = f"*{_escape(skill.name)}* — {level}, confidence {skill.confidence:.2f}"
        blocks.append(_section(line + (f"\n> {_escape(quote)}" if quote else "")))
        buttons = [
            _button("Confirm", CONFIRM, skill.skill_id, "primary"),
            _button("Dispute", DISPUTE, skill.skill_id, "danger"),
        ]
        blocks.append({"type": "actions", "elements": buttons})
    if len(out.skills) > SHOWN:
        blocks.append(_section(f"…and {len(out.skills) - SHOWN} more, with lower confidence."))
    if problems:
        blocks.append(_section(_escape("Skipped: " + "; ".join(problems))))
    text = f"I found {len(out.skills)} skills: " + ", ".join(s.name for s in skills)
    return text, blocks


async def record_verdict(runtime: Runtime, principal: Principal, action_id: str, skill_id: str) -> str:
    action = "confirm" if action_id == CONFIRM else "dispute"
    args: dict[str, Any] = {"skill": skill_id, "action": action}
    if action == "dispute":
        args["reason"] = "disputed from Slack"
    try:
        out = await registry.call("update_skill", args, principal, runtime.deps, channel="slack")
    except HRMError as exc:
        return exc.message
    name = out.model_dump()["skill"]["name"]
    return f"Confirmed {name}." if action == "confirm" else f"Marked {name} as disputed; HR will not rely on it."
