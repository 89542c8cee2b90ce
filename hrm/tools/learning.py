"""Learning resources: what to suggest for a skill gap, and an organisation's own resources
imported from CSV.

A resource is about one skill, or (with no skill) about a whole cluster. Suggestions prefer the
organisation's own resources (its courses, wiki pages and mentors are what people can actually
use), then built-in ones for the exact skill, then built-in ones for the skill's cluster.
"""

import csv
import functools
import io
import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field

from hrm.core.db import Conn, Database
from hrm.core.identity import resolve_org
from hrm.retrieval.builtin_resources import KINDS, read_builtin_resources
from hrm.retrieval.skill_lookup import resolve_skill_names
from hrm.tools.org_import import ImportRejected, RowError

RESOURCES_COLUMNS = ("title", "url", "skill", "cluster", "kind", "hours", "description")
_FILE = "resources"
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
MAX_HOURS = 10_000.0


class LearningSuggestion(BaseModel):
    title: str
    url: str | None
    kind: str = Field(description="course, book, docs, practice, mentoring or internal")
    hours: float | None = Field(description="Rough hours of study, when known.")
    description: str
    provided_by: Literal["organisation", "built-in"]
    matched: Literal["skill", "cluster"] = Field(description="Whether it teaches this skill or its wider cluster.")


_SUGGESTIONS = """
SELECT id, org_id, skill_id, cluster, title, url, kind, hours, description
FROM learning_resources
WHERE skill_id = ANY(%(skills)s) OR (skill_id IS NULL AND cluster = ANY(%(clusters)s))
"""


async def suggestions_for(
    conn: Conn, skills: list[tuple[int, str | None]], *, limit: int = 3
) -> dict[int, list[LearningSuggestion]]:
    """Per skill id (given with its cluster), up to ``limit`` resources in order of preference:
    the organisation's for the skill or its cluster, then built-in for the skill, then built-in for
    the cluster. Row-level security already limits the rows to built-in ones and the caller's own."""
    out: dict[int, list[LearningSuggestion]] = {skill_id: [] for skill_id, _ in skills}
    if not skills:
        return out
    clusters = sorted({c for _, c in skills if c})
    cur = await conn.execute(_SUGGESTIONS, {"skills": [s for s, _ in skills], "clusters": clusters})
    rows = list(await cur.fetchall())
    listed = _builtin_order()
    for skill_id, cluster in skills:
        ranked: list[tuple[tuple[int, int], dict[str, Any]]] = []
        for row in rows:
            if row["skill_id"] == skill_id:
                matched = "skill"
            elif row["skill_id"] is None and cluster is not None and row["cluster"] == cluster:
                matched = "cluster"
            else:
                continue
            own = row["org_id"] is not None
            tier = (0 if matched == "skill" else 1) if own else (2 if matched == "skill" else 3)
            # Within a tier, the order the resources were listed in: the organisation's by when they
            # were added, the built-in ones as the curated file lists them (ids would keep the order
            # of the first load).
            order = int(row["id"]) if own else listed.get(str(row["title"]), len(listed))
            ranked.append(((tier, order), {**row, "matched": matched}))
        ranked.sort(key=lambda pair: pair[0])
        # One book listed for a skill and for its cluster is still one suggestion.
        chosen: list[LearningSuggestion] = []
        seen: set[tuple[str, str | None]] = set()
        for _, row in ranked:
            key = (str(row["title"]).lower(), row["url"])
            if key not in seen and len(chosen) < limit:
                seen.add(key)
                chosen.append(_suggestion(row))
        out[skill_id] = chosen
    return out


@functools.cache
def _builtin_order() -> dict[str, int]:
    order: dict[str, int] = {}
    for position, item in enumerate(read_builtin_resources()):
        order.setdefault(str(item["title"]), position)
    return order


def _suggestion(row: dict[str, Any]) -> LearningSuggestion:
    return LearningSuggestion(
        title=str(row["title"]),
        url=row["url"],
        kind=str(row["kind"]),
        hours=float(row["hours"]) if row["hours"] is not None else None,
        description=str(row["description"]),
        provided_by="organisation" if row["org_id"] is not None else "built-in",
        matched=row["matched"],
    )


# Organisation resources from CSV ---------------------------------------------------------------


@dataclass(frozen=True)
class ResourceRow:
    line: int
    title: str
    url: str | None
    skill: str | None
    cluster: str | None
    kind: str
    hours: float | None
    description: str


@dataclass(frozen=True)
class ParsedResources:
    rows: list[ResourceRow]
    errors: list[RowError]


@dataclass
class ResourcesReport:
    org_slug: str
    created: int = 0
    updated: int = 0


def _hours(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if 0 < value <= MAX_HOURS else None


def parse_resources_csv(text: str) -> ParsedResources:
    """Read ``title,url,skill,cluster,kind,hours,description`` rows; every problem is reported with
    its line number. Skill names and clusters are checked against the database by the importer."""
    errors: list[RowError] = []
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        return ParsedResources([], [RowError(_FILE, 1, "the file is empty; a header row is required")])
    unknown = [h for h in header if h not in RESOURCES_COLUMNS]
    if unknown or "title" not in header:
        parts = ["missing column title"] if "title" not in header else []
        if unknown:
            parts.append(f"unknown column(s) {', '.join(unknown)}")
        message = "; ".join(parts) + f" — expected header: {','.join(RESOURCES_COLUMNS)}"
        return ParsedResources([], [RowError(_FILE, 1, message)])
    reader.fieldnames = header
    rows: list[ResourceRow] = []
    seen: dict[tuple[str, str, str], int] = {}
    for raw in reader:
        line = reader.line_num
        if None in raw:
            errors.append(RowError(_FILE, line, "more values than columns"))
            continue
        r = {k: (v or "").strip() for k, v in raw.items()}
        if not any(r.values()):
            continue
        problems = []
        title = r.get("title", "")
        if not title:
            problems.append("title is empty")
        elif len(title) > 300:
            problems.append("title is longer than 300 characters")
        url = r.get("url", "")
        # Links end up in chat messages: only web addresses, never javascript: or file: links.
        if url and not _URL.match(url):
            problems.append(f"url must be a web address starting with http:// or https:// (got {url!r})")
        skill, cluster = r.get("skill", ""), r.get("cluster", "")
        if not skill and not cluster:
            problems.append("give a skill or a cluster, so the resource can be suggested for something")
        kind = r.get("kind", "") or "internal"
        if kind not in KINDS:
            problems.append(f"kind must be one of {', '.join(KINDS)} (got {kind!r})")
        hours_text = r.get("hours", "")
        hours = _hours(hours_text) if hours_text else None
        if hours_text and hours is None:
            problems.append(f"hours must be a number greater than 0 and at most {MAX_HOURS:g} (got {hours_text!r})")
        key = (title.lower(), skill.lower(), cluster.lower())
        if title and key in seen:
            problems.append(f"the same resource is listed twice (first on line {seen[key]})")
        if problems:
            errors.extend(RowError(_FILE, line, p) for p in problems)
            continue
        seen[key] = line
        rows.append(
            ResourceRow(line, title, url or None, skill or None, cluster or None, kind, hours, r.get("description", ""))
        )
    return ParsedResources(rows, errors)


async def _known_clusters(conn: Conn) -> set[str]:
    cur = await conn.execute("SELECT DISTINCT cluster FROM skills WHERE cluster IS NOT NULL")
    return {str(row["cluster"]) for row in await cur.fetchall()}


async def import_resources(db: Database, org_slug: str, csv_text: str) -> ResourcesReport:
    """Import an organisation's learning resources, all or nothing. Re-importing a resource (same
    title for the same skill or cluster) updates it instead of adding a copy."""
    org_id = await resolve_org(db, org_slug)
    parsed = parse_resources_csv(csv_text)
    errors = list(parsed.errors)
    report = ResourcesReport(org_slug=org_slug)
    async with db.org_tx(org_id) as conn:
        resolved = await resolve_skill_names(conn, sorted({r.skill for r in parsed.rows if r.skill}))
        clusters = await _known_clusters(conn)
        for r in parsed.rows:
            if r.skill and r.skill not in resolved:
                errors.append(RowError(_FILE, r.line, f"unknown skill {r.skill!r}"))
            if r.cluster and r.cluster not in clusters:
                errors.append(
                    RowError(_FILE, r.line, f"unknown cluster {r.cluster!r} (known: {', '.join(sorted(clusters))})")
                )
        if errors:
            errors.sort(key=lambda e: e.line)
            raise ImportRejected(errors)
        for r in parsed.rows:
            cur = await conn.execute(
                """INSERT INTO learning_resources (org_id, skill_id, cluster, title, url, kind, hours, description)
                   VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
                   ON CONFLICT (org_id, skill_id, cluster, title) DO UPDATE SET
                       url = EXCLUDED.url, kind = EXCLUDED.kind, hours = EXCLUDED.hours,
                       description = EXCLUDED.description
                   RETURNING (xmax = 0) AS inserted""",
                (
                    org_id,
                    resolved[r.skill] if r.skill else None,
                    r.cluster,
                    r.title,
                    r.url,
                    r.kind,
                    r.hours,
                    r.description,
                ),
            )
            row = await cur.fetchone()
            if row and row["inserted"]:
                report.created += 1
            else:
                report.updated += 1
    return report
