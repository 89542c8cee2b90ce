"""Rendering a JD: Markdown and HTML from the Jinja2 templates in ``prompts/jd`` (StrictUndefined;
HTML autoescaped), Slack Block Kit built in Python (JSON is awkward to template), and JSON."""

import json
from functools import cache
from typing import Any, Literal

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from hrm.tools.jd.compose import employment_label, level_label
from hrm.tools.jd.model import JobDescription

ExportFormat = Literal["markdown", "html", "json"]

HEADINGS = {
    "formal": {
        "about": "About us",
        "role": "The role",
        "responsibilities": "Responsibilities",
        "qualifications": "Qualifications",
        "skills": "Skills",
        "salary": "Salary",
        "benefits": "Benefits",
        "eeo": "Equal opportunity",
    },
    "friendly": {
        "about": "Who we are",
        "role": "About the role",
        "responsibilities": "What you'll do",
        "qualifications": "What you'll bring",
        "skills": "Skills we're looking for",
        "salary": "Pay",
        "benefits": "What we offer",
        "eeo": "Everyone is welcome",
    },
}
IMPORTANCE_LABELS = {"essential": "Essential", "important": "Important", "nice_to_have": "Nice to have"}
SOURCE_LABELS = {"catalogue_role": "role catalogue", "org_role": "the organisation's own role"}
EXPORT_BUTTONS = (("markdown", "Export Markdown"), ("html", "Export HTML"), ("json", "Export JSON"))
# Slack limits a section's text to 3000 characters.
SLACK_TEXT_LIMIT = 2900


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("hrm", "prompts"),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        keep_trailing_newline=True,
    )
    env.globals.update(
        level_label=level_label,
        importance_label=lambda v: IMPORTANCE_LABELS[v],
        source_label=lambda v: SOURCE_LABELS.get(v, v),
    )
    return env


def meta_line(jd: JobDescription) -> str:
    parts = [jd.location, employment_label(jd.employment_type).capitalize(), jd.department]
    if jd.reports_to:
        parts.append(f"Reports to {jd.reports_to}")
    if jd.team_size:
        parts.append(f"Team of {jd.team_size}")
    return " · ".join(p for p in parts if p)


def _values(jd: JobDescription, internal: bool) -> dict[str, Any]:
    return {"jd": jd, "h": HEADINGS[jd.tone], "meta": meta_line(jd), "internal": internal}


def markdown(jd: JobDescription, *, internal: bool = True) -> str:
    """The JD as Markdown; ``internal`` adds the hiring notes (market insights) for HR."""
    text = _environment().get_template("jd/page.md.j2").render(**_values(jd, internal))
    return "\n".join(line.rstrip() for line in text.strip().splitlines()) + "\n"


def html(jd: JobDescription) -> str:
    return _environment().get_template("jd/page.html.j2").render(**_values(jd, False)).strip() + "\n"


def as_json(jd: JobDescription) -> str:
    return json.dumps(jd.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def export(jd: JobDescription, fmt: ExportFormat) -> str:
    if fmt == "html":
        return html(jd)
    if fmt == "json":
        return as_json(jd)
    return markdown(jd, internal=False)


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:SLACK_TEXT_LIMIT]}}


def slack_blocks(jd: JobDescription, *, jd_id: str | None = None, version: int | None = None) -> list[dict[str, Any]]:
    """Block Kit for a JD, with export and save buttons when the JD is stored."""
    h = HEADINGS[jd.tone]
    skills = "\n".join(
        f"• *{s.name}* — {level_label(s.required_level)}, {IMPORTANCE_LABELS[s.importance].lower()}" for s in jd.skills
    )
    salary = (
        f"{jd.salary.min:,}–{jd.salary.max:,} {jd.salary.currency} per {jd.salary.period}"
        if jd.salary.available
        else jd.salary.note
    )
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": jd.title[:150]}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": meta_line(jd) or " "}]},
        _section(f"*{h['role']}*\n{jd.summary}"),
        _section(f"*{h['responsibilities']}*\n" + "\n".join(f"• {r}" for r in jd.responsibilities)),
        _section(f"*{h['qualifications']}*\n" + "\n".join(f"• {q}" for q in jd.qualifications)),
        _section(f"*{h['skills']}*\n{skills}"),
        _section(f"*{h['salary']}*\n{salary}"),
    ]
    if jd_id is not None:
        value = json.dumps({"jd_id": jd_id, "version": version})
        blocks.append(
            {
                "type": "actions",
                "block_id": "jd_actions",
                "elements": [
                    {"type": "button", "action_id": f"jd_export_{fmt}", "text": {"type": "plain_text", "text": label},
                     "value": value}
                    for fmt, label in EXPORT_BUTTONS
                ]
                + [
                    {"type": "button", "action_id": "jd_save", "style": "primary",
                     "text": {"type": "plain_text", "text": "Save"}, "value": value}
                ],
            }
        )  # fmt: skip
    return blocks
