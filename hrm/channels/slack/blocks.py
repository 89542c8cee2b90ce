"""Tool results as Slack Block Kit: a ranked list for matches, a gap table, a career path as steps,
a compact view of a team's skills.

Pure functions over the JSON a tool returned (``output.model_dump(mode="json")``), so the blocks say
exactly what the tool said and nothing more; the reply's text stays the notification fallback.
Names, titles and skill names are data: every one is escaped before it enters mrkdwn, and only
http(s) addresses become links. Slack refuses a message over its limits, so each renderer keeps
within them and ``fit`` enforces them once more on the way out.
"""

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from hrm.tools.jd.model import JobDescription
from hrm.tools.jd.render import slack_blocks

Block = dict[str, Any]
Output = dict[str, Any]

MAX_BLOCKS = 50
MAX_TEXT = 3000
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_HEADER = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_ITEMS = 10  # ranked entries shown per answer: enough to choose from, short enough to read
LINE_CHARS = 280
SKILLS_SHOWN = 4  # skills named per entry or step before "+N more"
DIVIDER: Block = {"type": "divider"}

# A cut must not leave half an entity ("&am") or half a link ("<https://…") behind.
_BROKEN_TAIL = re.compile(r"(&[a-z]{0,4}|<[^>]*)$")
_UNSAFE_URL = re.compile(r"[\s<>\"]")


# -- text -----------------------------------------------------------------------------------------


def escape(text: object) -> str:
    """Slack reads ``&``, ``<`` and ``>`` as markup (links, mentions, ``<!channel>``); data never is."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return _BROKEN_TAIL.sub("", text[: limit - 1]) + "…"


def link(url: object, title: object) -> str:
    """``<url|title>`` for web addresses; anything else (javascript:, file:, mailto:) stays plain text."""
    label = escape(title)
    if not isinstance(url, str) or _UNSAFE_URL.search(url):
        return label
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return label
    return f"<{escape(url).replace('|', '%7C')}|{label}>"


def _num(value: float) -> str:
    return f"{round(value, 1):g}"


def _months(low: int, high: int) -> str:
    return f"{low} months" if low == high else f"{low}–{high} months"


def _years(low: float, high: float) -> str:
    return f"~{_num(low)} years" if _num(low) == _num(high) else f"~{_num(low)}–{_num(high)} years"


def _pct(fraction: float) -> str:
    return f"{round(fraction * 100)}%"


def _more(shown: int, total: int, noun: str = "") -> str:
    return f" +{total - shown} more{' ' + noun if noun else ''}" if total > shown else ""


def _bullets(lines: Iterable[str], total: int, noun: str) -> str:
    # Ten lines of at most 280 characters fit one section with room for the "…and N more" tail.
    shown = [clip(line, LINE_CHARS) for line in lines]
    return "\n".join(shown) + (f"\n…and {total - len(shown)} more {noun}" if total > len(shown) else "")


# -- blocks ---------------------------------------------------------------------------------------


def header(text: str) -> Block:
    # plain_text is shown as typed, so data needs no escaping here.
    return {"type": "header", "text": {"type": "plain_text", "text": clip(text, MAX_HEADER), "emoji": True}}


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, MAX_TEXT)}}


def context(*texts: str) -> Block:
    elements = [{"type": "mrkdwn", "text": clip(t, MAX_TEXT)} for t in texts if t][:MAX_CONTEXT_ELEMENTS]
    return {"type": "context", "elements": elements}


def field_sections(fields: list[str], title: str | None = None) -> list[Block]:
    """Fields two to a row, ten to a section; ``title`` heads the first section."""
    out: list[Block] = []
    for start in range(0, len(fields), MAX_FIELDS):
        block: Block = {
            "type": "section",
            "fields": [{"type": "mrkdwn", "text": clip(f, MAX_FIELD_TEXT)} for f in fields[start : start + MAX_FIELDS]],
        }
        if title and start == 0:
            block["text"] = {"type": "mrkdwn", "text": clip(title, MAX_TEXT)}
        out.append(block)
    return out


def fit(blocks: list[Block]) -> list[Block]:
    """At most 50 blocks, the last saying more was left out; no empty context or trailing divider."""
    kept = [b for b in blocks if b["type"] != "context" or b["elements"]]
    if len(kept) > MAX_BLOCKS:
        kept = kept[: MAX_BLOCKS - 1]
        while kept and kept[-1]["type"] == "divider":
            kept.pop()
        kept.append(context("_Shortened to fit one Slack message: ask for fewer items to see the rest._"))
    while kept and kept[-1]["type"] == "divider":
        kept.pop()
    return kept


def _ranked(items: Sequence[Block | list[Block]]) -> list[Block]:
    out: list[Block] = []
    for i, item in enumerate(items):
        if i:
            out.append(DIVIDER)
        out.extend(item if isinstance(item, list) else [item])
    return out


def _shortfalls(to_build: list[dict[str, Any]]) -> str:
    shown = [f"{escape(s['skill'])} {s['current_level']}→{s['required_level']}" for s in to_build[:SKILLS_SHOWN]]
    return ", ".join(shown) + _more(len(shown), len(to_build))


# -- match_roles / find_candidates ----------------------------------------------------------------


def _match_roles(out: Output) -> list[Block]:
    person = out["person"]
    matches = out["matches"][:MAX_ITEMS]
    blocks = [header(f"Roles that fit {person['name']}")]
    now = f" · now: {escape(out['current_role'])}" if out.get("current_role") else ""
    blocks.append(context(f"{out['roles_scored']} roles scored{now}"))
    if not matches:
        return [*blocks, section("No role to suggest yet: add skills to the profile and ask again.")]
    items: list[Block | list[Block]] = []
    for i, m in enumerate(matches, 1):
        tag = " · _your organisation's role_" if m.get("organisation_role") else ""
        lines = [f"*{i}. {escape(m['title'])}* — {_pct(m['score']['total'])}{tag}"]
        lines.append(f"Essential skills met: {m['essential_met']} of {m['essential_total']}")
        if m["to_build"]:
            lines.append(f"To build: {_shortfalls(m['to_build'])}")
        items.append([section("\n".join(lines)), context(escape(m["explanation"]))])
    return blocks + _ranked(items) + _left_out(len(out["matches"]), len(matches), "roles")


def _find_candidates(out: Output) -> list[Block]:
    candidates = out["candidates"][:MAX_ITEMS]
    blocks = [header(f"Candidates for {out['role']}"), context(f"{out['pool']} people considered")]
    if not candidates:
        return [*blocks, section("Nobody you can see fits this role yet.")]
    items: list[Block | list[Block]] = []
    for i, c in enumerate(candidates, 1):
        person = c["person"]
        holds = " · _already in this role_" if c.get("holds_role") else ""
        lines = [f"*{i}. {escape(person['name'])}* — {_pct(c['score']['total'])}{holds}"]
        lines.append(f"{escape(person['job_title'])} · {escape(person['department'])} · {escape(person['location'])}")
        lines.append(f"Essential skills met: {c['essential_met']} of {c['essential_total']}")
        if c["to_build"]:
            lines.append(f"To build: {_shortfalls(c['to_build'])}")
        items.append([section("\n".join(lines)), context(escape(c["explanation"]))])
    return blocks + _ranked(items) + _left_out(len(out["candidates"]), len(candidates), "candidates")


def _left_out(total: int, shown: int, noun: str) -> list[Block]:
    return [context(f"{total - shown} more {noun} not shown.")] if total > shown else []


# -- analyze_gap ----------------------------------------------------------------------------------

GAP_ROWS = 5  # two fields a row, ten fields a section


def _gap_row(gap: dict[str, Any]) -> list[str]:
    skill = f"*{gap['priority']}. {escape(gap['skill'])}*\n{escape(gap['importance']).replace('_', ' ')}"
    levels = f"{gap['current_level']} → {gap['required_level']} ({escape(gap['current_label'])} → "
    levels += f"{escape(gap['required_label'])})\n{_months(gap['months_low'], gap['months_high'])}"
    return [skill, levels]


def _learning(gap: dict[str, Any]) -> str | None:
    items = []
    for s in gap["learning"][:3]:
        extra = ", ".join(x for x in (escape(s["kind"]), f"{_num(s['hours'])} h" if s.get("hours") else "") if x)
        items.append(f"{link(s.get('url'), s['title'])} ({extra})")
    return f"*{escape(gap['skill'])}*: " + " · ".join(items) if items else None


def _analyze_gap(out: Output) -> list[Block]:
    person, role, readiness = out["person"], out["role"], out["readiness"]
    whose = "Your" if person["is_self"] else f"{person['name']}'s"
    blocks = [header(f"{whose} gap to {role['title']}")]
    ready = f"*Readiness:* {escape(readiness['summary'])}"
    if out["gaps"]:
        ready += f"\n*Time:* {escape(out['time_estimate']['explanation'])}"
    blocks.append(section(ready))
    gaps = out["gaps"][: 2 * GAP_ROWS]
    for start in range(0, len(gaps), GAP_ROWS):
        rows = [field for gap in gaps[start : start + GAP_ROWS] for field in _gap_row(gap)]
        title = "*Gaps, in the order to work on them* (skill · now → needed · time)" if start == 0 else None
        blocks.extend(field_sections(rows, title))
    if len(out["gaps"]) > len(gaps):
        blocks.append(context(f"{len(out['gaps']) - len(gaps)} smaller gaps not shown."))
    learning = [line for line in (_learning(g) for g in gaps) if line]
    if learning:
        blocks.append(section("*Learning suggestions*\n" + "\n".join(learning)))
    if out["strengths"]:
        shown = out["strengths"][:8]
        met = ", ".join(f"{escape(s['skill'])} {s['current_level']}/{s['required_level']}" for s in shown)
        blocks.append(context(f"Already met: {met}{_more(len(shown), len(out['strengths']))}"))
    if out.get("unlocks"):
        blocks.append(section(f"*Unlocks:* {escape(out['unlocks']['explanation'])}"))
    return blocks


# -- plan_career_path -----------------------------------------------------------------------------


def _step(n: int, step: dict[str, Any]) -> str:
    years = f"{_num(step['typical_years'])} yrs" + (", estimated" if step.get("years_estimated") else "")
    skills = step["skills_to_build"]
    shown = [f"{escape(s['name'])} {s['current_level']}→{s['required_level']}" for s in skills[:SKILLS_SHOWN]]
    hidden = len(skills) - len(shown) + int(step.get("more_skills") or 0)
    build = ": build " + ", ".join(shown) + (f" +{hidden} more" if hidden else "") if shown else ""
    return f"{n}. {escape(step['from_role']['title'])} → {escape(step['to_role']['title'])} ({years}){build}"


def _plan_career_path(out: Output) -> list[Block]:
    blocks = [header(f"From {out['from_role']['title']} to {out['target']['title']}")]
    if out["already_there"] or not out["paths"]:
        blocks.append(section(escape(out["message"])))
        nearby = out.get("nearest_reachable") or []
        if nearby:
            lines = [f"• {escape(r['role']['title'])} (~{_num(r['years'])} years)" for r in nearby[:MAX_ITEMS]]
            blocks.append(section("*Closest roles you can reach*\n" + "\n".join(lines)))
    else:
        items: list[Block | list[Block]] = []
        for path in out["paths"][:MAX_ITEMS]:
            title = f"*Path {path['rank']} · {_years(path['total_years_low'], path['total_years_high'])}*"
            steps = [_step(n, s) for n, s in enumerate(path["steps"], 1)]
            items.append(section("\n".join([title, *steps])))
        blocks.extend(_ranked(items))
    if out.get("notes"):
        blocks.append(context(*(escape(n) for n in out["notes"])))
    return blocks


# -- team_skills ----------------------------------------------------------------------------------


def _level(p: dict[str, Any]) -> str:
    return f"{escape(p['name'])} ({p['level']})"


def _team_matrix(m: dict[str, Any]) -> list[Block]:
    rows = m["rows"][: 3 * MAX_FIELDS]
    fields = []
    for row in rows:
        levels = ", ".join(f"{escape(s)} {lv}" for s, lv in row["levels"].items()) or "_no listed skills_"
        fields.append(f"*{escape(row['name'])}*\n{levels}")
    blocks = field_sections(fields, "*Skills matrix* (levels 1–5)")
    hidden = int(m.get("more_people") or 0) + len(m["rows"]) - len(rows)
    notes = [
        f"{hidden} more people" if hidden else "",
        f"{m['more_skills']} more skills" if m.get("more_skills") else "",
    ]
    if any(notes):
        blocks.append(context(" and ".join(n for n in notes if n) + " not shown."))
    return blocks


def _who_knows(w: dict[str, Any], min_level: int) -> list[Block]:
    title = (
        f"*Who knows {escape(w['skill'])}* — {w['count_at_or_above']} at level {min_level}+, "
        f"{w['count_holding']} at any level"
    )
    people = [f"*{escape(p['name'])}*\n{escape(p['level_label'])} ({p['level']})" for p in w["people"]]
    blocks = field_sections(people[:MAX_FIELDS], title) if people else [section(title)]
    if w.get("below"):
        shown = w["below"][:MAX_ITEMS]
        blocks.append(context("Below that level: " + ", ".join(_level(p) for p in shown)))
    if not people and w.get("level_counts"):
        counts = sorted(w["level_counts"].items(), key=lambda kv: -int(kv[0]))
        blocks.append(context("People by level: " + ", ".join(f"level {lv}: {n}" for lv, n in counts)))
    return blocks


def _coverage(roles: list[dict[str, Any]]) -> Block:
    lines = []
    for r in roles[:MAX_ITEMS]:
        line = f"• *{escape(r['title'])}* — {_num(r['coverage_pct'])}% ({r['met']} of {r['total']} met)"
        unmet = [escape(q["skill"]) for q in r["requirements"] if not q["met"]][:SKILLS_SHOWN]
        lines.append(line + (f"; missing {', '.join(unmet)}" if unmet else ""))
    return section("*Role coverage*\n" + _bullets(lines, len(roles), "roles"))


def _team_gaps(gaps: list[dict[str, Any]]) -> Block:
    lines = []
    for g in gaps[:MAX_ITEMS]:
        best = f"; best now {g['best_level']}" if g.get("best_level") is not None else ""
        closest = f" ({', '.join(_level(p) for p in g['closest'])})" if g.get("closest") else ""
        importance = escape(g["importance"]).replace("_", " ")
        lines.append(f"• *{escape(g['skill'])}* — {importance}, needs {g['required_level']}{best}{closest}")
    return section("*Gaps*\n" + _bullets(lines, len(gaps), "gaps"))


def _single_points(points: list[dict[str, Any]]) -> Block:
    lines = []
    for p in points[:MAX_ITEMS]:
        needed = f"; {escape(p['importance']).replace('_', ' ')}" if p.get("importance") else ""
        backups = f"; backups: {', '.join(_level(b) for b in p['backups'][:3])}" if p.get("backups") else ""
        lines.append(f"• *{escape(p['skill'])}* — only {_level(p['holder'])}{needed}{backups}")
    return section("*Single points of failure*\n" + _bullets(lines, len(points), "skills"))


def _cover(c: dict[str, Any]) -> list[Block]:
    lines = []
    for i, cand in enumerate(c["candidates"][:MAX_ITEMS], 1):
        shared = ", ".join(
            f"{escape(s['skill'])} {s['candidate_level']}/{s['their_level']}" for s in cand["shared"][:SKILLS_SHOWN]
        )
        lines.append(f"{i}. *{escape(cand['name'])}* — {_pct(cand['score'])}" + (f" ({shared})" if shared else ""))
    text = f"*Who could cover for {escape(c['person'])}*\n" + (
        _bullets(lines, len(c["candidates"]), "people") if lines else "Nobody in the team overlaps enough yet."
    )
    blocks = [section(text)]
    if c.get("uncovered"):
        blocks.append(context("Nobody could stand in for: " + ", ".join(escape(s) for s in c["uncovered"])))
    return blocks


def _priorities(items: list[dict[str, Any]]) -> Block:
    lines = [f"{p['rank']}. *{escape(p['skill'])}* — {escape(p['detail'])} _{escape(p['action'])}_" for p in items]
    return section("*Priorities*\n" + _bullets(lines[:MAX_ITEMS], len(items), "priorities"))


def _team_parts(out: Output) -> list[Block]:
    parts: list[Block] = []
    if out.get("who_knows"):
        parts.extend(_who_knows(out["who_knows"], out["min_level"]))
    if out.get("matrix"):
        parts.extend(_team_matrix(out["matrix"]))
    if out["top_skills"]:
        fields = [f"*{escape(s['skill'])}*\n{s['count']} at level {out['min_level']}+" for s in out["top_skills"]]
        parts.extend(field_sections(fields[:MAX_FIELDS], "*Most held skills*"))
    if out["coverage"]:
        parts.append(_coverage(out["coverage"]))
    if out["gaps"]:
        parts.append(_team_gaps(out["gaps"]))
    if out["single_points"]:
        parts.append(_single_points(out["single_points"]))
    if out.get("cover"):
        parts.extend(_cover(out["cover"]))
    if out["priorities"]:
        parts.append(_priorities(out["priorities"]))
    return parts


def _team_skills(out: Output) -> list[Block]:
    team = out["team"]
    blocks = [header(f"Team skills · {team['label']}")]
    if out.get("privacy_note"):
        blocks.append(section(f":lock: {escape(out['privacy_note'])}"))
    parts = _team_parts(out)
    # The explanation says in prose what the parts show; it stands alone only when nothing else does.
    if not parts and out["explanation"] != out.get("privacy_note"):
        blocks.append(section(escape(out["explanation"])))
    blocks.extend(parts)
    notes = [f"{escape(team['label'])}: {team['headcount']} people"] if team.get("headcount") is not None else []
    if out.get("roles_not_shown"):
        notes.append(f"{out['roles_not_shown']} roles held by too few people to show")
    if out.get("people_without_role"):
        notes.append(f"{out['people_without_role']} people without a recognised role")
    if notes:
        blocks.append(context(" · ".join(notes)))
    return blocks


# -- job descriptions -----------------------------------------------------------------------------


def _job_description(output: Output) -> list[Block]:
    jd = JobDescription.model_validate(output["job_description"])
    blocks = slack_blocks(jd, jd_id=str(output["jd_id"]), version=int(output["version"]))
    changes = [escape(str(c)) for c in output.get("changes") or []]
    lead = f"*Version {output['version']}*" + (
        ": " + " ".join(changes) if changes else " — reply in this thread to refine it"
    )
    flags = [f for f in output["inclusive"]["flags"] if f["severity"] == "warning"]
    notes = [f"Inclusive language: “{escape(f['phrase'])}” — {escape(f['suggestion'])}" for f in flags[:3]]
    notes.append(escape(str(output["reality"]["note"])))
    return [section(clip(lead, 3000)), *blocks, context(clip("\n".join(notes), 3000))]


# -- dispatch -------------------------------------------------------------------------------------

RENDERERS: dict[str, Callable[[Output], list[Block]]] = {
    "match_roles": _match_roles,
    "find_candidates": _find_candidates,
    "analyze_gap": _analyze_gap,
    "plan_career_path": _plan_career_path,
    "team_skills": _team_skills,
    "generate_job_description": _job_description,
    "refine_job_description": _job_description,
}


def blocks_for(tool: str, output: Output) -> list[Block] | None:
    """Block Kit for one tool's output, or None when the tool is answered in plain text."""
    render = RENDERERS.get(tool)
    return fit(render(output)) if render else None


def reply_blocks(data: dict[str, Output]) -> list[Block] | None:
    """Block Kit for an agent reply's ``data`` (tool name → output), or None when nothing renders."""
    parts = [blocks for tool, output in data.items() if (blocks := blocks_for(tool, output))]
    if not parts:
        return None
    return fit(_ranked(parts))
