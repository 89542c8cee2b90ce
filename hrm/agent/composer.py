"""Turns tool results into the reply people read, from Jinja2 templates in ``prompts/replies``.

Every fact in a reply comes from a tool output; templates only arrange it.
"""

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, Template

from hrm.core.principals import Principal

# What the planner can do, keyed by the tool that does it (shown only when the caller may use it).
CAPABILITIES: dict[str, str] = {
    "get_profile": "show your skills — “what skills do I have?” (managers and HR: “what skills does Marta have?”)",
    "search_skills": "search the skills taxonomy — “search skills for kubernetes”",
    "match_roles": "suggest roles that fit you — “what roles could I move to?”",
    "analyze_gap": "compare you with a role — “what am I missing to become a DevOps Engineer?”",
    "plan_career_path": "plan a path to a role — “how do I become a Staff Engineer?”",
    "find_candidates": "rank people for a role — “who could fill a Senior Data Engineer role?”",
    "team_skills": "your team's skills — “who on my team knows Kubernetes?”, “single points of failure”",
    "get_skill": "explain a skill and the roles that need it — “what is dbt?”",
    "update_skill": "correct your profile — “I know Kubernetes at level 4”, “confirm my Python skill”",
    "generate_job_description": "draft a job description — “draft a JD for a senior data engineer in Berlin”, "
    "then “make it more senior”",
}


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("hrm", "prompts"),
        undefined=StrictUndefined,
        # Plain-text replies for chat; the Slack and HTML renderers escape on their side.
        autoescape=False,  # noqa: S701
        trim_blocks=False,
        keep_trailing_newline=False,
    )


def template(name: str) -> Template:
    return _environment().get_template(name)


def render(name: str, **values: Any) -> str:
    return template(name).render(**values).strip()


def capabilities(tools: list[str]) -> list[str]:
    return [line for tool, line in CAPABILITIES.items() if tool in tools]


def tool_reply(tool: str, output: Any) -> str:
    return render(f"replies/{tool}.j2", out=output)


def clarify_reply(question: str, tools: list[str]) -> str:
    return render("replies/clarify.j2", question=question, capabilities=capabilities(tools))


def help_reply(principal: Principal, tools: list[str], *, greeting: bool) -> str:
    return render(
        "replies/help.j2",
        greeting=greeting,
        first_name=principal.display_name.split(" ")[0],
        capabilities=capabilities(tools),
    )


def not_yet_reply(tools: list[str]) -> str:
    return render("replies/not_yet.j2", capabilities=capabilities(tools))


def error_reply(code: str, message: str) -> str:
    return render("replies/error.j2", code=code, message=message)
