"""A GitHub profile (the REST API's user and repository objects) rendered as lines of text, since
the text is what skill linking reads and what evidence offsets point into.

Accepted shapes: ``{"user": {...}, "repos": [...]}``, a bare list of repositories, or a bare user.
Forks are skipped: they show what someone looked at, not what they built.
"""

from collections import Counter
from collections.abc import Mapping, Sequence

from hrm.retrieval.intake.text import one_line

# Keys only repository objects carry (a project record has a title, not these).
_REPO_KEYS = {"full_name", "stargazers_count", "forks_count", "fork", "html_url", "pushed_at", "topics", "language"}


def _repo(value: object) -> bool:
    return isinstance(value, Mapping) and isinstance(value.get("name"), str) and bool(_REPO_KEYS & value.keys())


def is_profile(value: object) -> bool:
    """Whether parsed JSON has the shape of a GitHub profile export."""
    if isinstance(value, Mapping):
        user, repos = value.get("user"), value.get("repos")
        if isinstance(user, Mapping) or (isinstance(repos, list) and all(_repo(r) for r in repos)):
            return isinstance(repos, list | None)
        return isinstance(value.get("login"), str) and "public_repos" in value
    return isinstance(value, list) and bool(value) and all(_repo(r) for r in value)


def _field(record: Mapping[str, object], key: str) -> str:
    value = record.get(key)
    return one_line(str(value)) if isinstance(value, str | int | float) and not isinstance(value, bool) else ""


def _month(record: Mapping[str, object], key: str) -> str:
    return _field(record, key)[:7]  # 2019-03-02T10:00:00Z → 2019-03


def _user_lines(user: Mapping[str, object]) -> list[str]:
    login, name = _field(user, "login"), _field(user, "name")
    lines = [f"GitHub profile: {login} ({name})" if login and name else f"GitHub profile: {login or name}"]
    for key, label in (("bio", "Bio"), ("company", "Company"), ("location", "Location"), ("blog", "Website")):
        if value := _field(user, key):
            lines.append(f"{label}: {value}")
    if value := _field(user, "public_repos"):
        lines.append(f"Public repositories: {value}")
    if since := _month(user, "created_at"):
        lines.append(f"On GitHub since {since}")
    return lines


def _repo_line(repo: Mapping[str, object]) -> str:
    name, description = _field(repo, "name"), _field(repo, "description").rstrip(".")
    parts = [f"Repository: {name} — {description}" if description else f"Repository: {name}"]
    if language := _field(repo, "language"):
        parts.append(f"Language: {language}")
    topics = repo.get("topics")
    if isinstance(topics, list) and (names := [one_line(t) for t in topics if isinstance(t, str) and t.strip()]):
        parts.append(f"Topics: {', '.join(names)}")
    if stars := _field(repo, "stargazers_count"):
        parts.append(f"Stars: {stars}")
    if (forks := _field(repo, "forks_count")) and forks != "0":
        parts.append(f"Forks: {forks}")
    began, last = _month(repo, "created_at"), _month(repo, "pushed_at")
    if began and last and began != last:
        parts.append(f"Active {began} to {last}")
    elif began or last:
        parts.append(f"Active {began or last}")
    if repo.get("archived") is True:
        parts.append("Archived")
    return ". ".join(parts) + "."


def render(value: object) -> str:
    """The profile as text: the user, a languages summary, then one line per repository."""
    if isinstance(value, list):
        user: Mapping[str, object] = {}
        repos: Sequence[object] = value
    elif isinstance(value, Mapping):
        found = value.get("user")
        user = found if isinstance(found, Mapping) else value if "login" in value else {}
        listed = value.get("repos")
        repos = listed if isinstance(listed, list) else []
    else:
        return ""
    own = [r for r in repos if isinstance(r, Mapping) and r.get("fork") is not True and _field(r, "name")]
    blocks: list[str] = []
    if user:
        blocks.append("\n".join(_user_lines(user)))
    languages = Counter(_field(r, "language") for r in own if _field(r, "language"))
    if languages:
        ranked = sorted(languages.items(), key=lambda item: (-item[1], item[0].lower()))
        summary = ", ".join(f"{name} ({count} repo{'s' if count > 1 else ''})" for name, count in ranked)
        # Not "Languages:" alone: a short line starting with it reads as a section heading downstream.
        blocks.append(f"Languages across repositories: {summary}")
    if own:
        blocks.append("\n".join(_repo_line(r) for r in own))
    return "\n\n".join(blocks)
