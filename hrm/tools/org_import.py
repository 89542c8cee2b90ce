"""Import an organisation from CSV files (people, their skills, the organisation's roles).

All-or-nothing: every file is validated first and every bad row reported with its line number; a
good set is written in one transaction. Re-importing updates people by email and roles by
role_code instead of duplicating them.
"""

import csv
import io
import re
import uuid
from dataclasses import dataclass, field
from uuid import UUID

from hrm.core.db import Conn, Database
from hrm.core.errors import InvalidInput
from hrm.core.models import Importance, RoleLevel, SkillSource
from hrm.core.principals import AppRole
from hrm.core.text import norm
from hrm.retrieval.skill_lookup import resolve_skill_names

PEOPLE_COLUMNS = (
    "email",
    "first_name",
    "last_name",
    "job_title",
    "department",
    "manager_email",
    "location",
    "role",
    "slack_user_id",
)
SKILLS_COLUMNS = ("email", "skill", "level", "source")
ROLES_COLUMNS = ("role_code", "title", "department", "level", "skill", "required_level", "importance")
REQUIRED = {
    "people": ("email", "first_name", "last_name"),
    "skills": SKILLS_COLUMNS,
    "roles": ("role_code", "title", "skill", "required_level", "importance"),
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")


@dataclass(frozen=True)
class RowError:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file} line {self.line}: {self.message}"


class ImportRejected(InvalidInput):
    """Nothing was written; ``errors`` lists every problem found."""

    def __init__(self, errors: list[RowError]) -> None:
        shown = "\n".join(f"  {e}" for e in errors[:50])
        more = f"\n  … and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"import rejected, nothing was written ({len(errors)} problem(s)):\n{shown}{more}")
        self.errors = errors


@dataclass
class ImportReport:
    org_slug: str
    org_created: bool
    people_created: int = 0
    people_updated: int = 0
    skills_set: int = 0
    roles_created: int = 0
    roles_updated: int = 0
    created_skills: list[str] = field(default_factory=list)


@dataclass
class _Person:
    line: int
    email: str
    first_name: str
    last_name: str
    job_title: str
    department: str
    manager_email: str
    location: str
    role: AppRole
    slack_user_id: str | None


@dataclass
class _PersonSkill:
    line: int
    email: str
    skill: str
    level: int
    source: SkillSource


@dataclass
class _RoleRow:
    line: int
    code: str
    title: str
    department: str
    level: RoleLevel | None
    skill: str
    required_level: int
    importance: Importance


def _rows(name: str, text: str, columns: tuple[str, ...], errors: list[RowError]) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        errors.append(RowError(name, 1, "the file is empty; a header row is required"))
        return []
    unknown = [h for h in header if h not in columns]
    missing = [c for c in REQUIRED[name] if c not in header]
    if unknown or missing:
        parts = []
        if missing:
            parts.append(f"missing column(s) {', '.join(missing)}")
        if unknown:
            parts.append(f"unknown column(s) {', '.join(unknown)}")
        errors.append(RowError(name, 1, "; ".join(parts) + f" — expected header: {','.join(columns)}"))
        return []
    reader.fieldnames = header
    rows = []
    for raw in reader:
        if None in raw:
            errors.append(RowError(name, reader.line_num, "more values than columns"))
            continue
        values = {k: (v or "").strip() for k, v in raw.items()}
        if any(values.values()):
            rows.append((reader.line_num, values))
    return rows


def _int(value: str, low: int, high: int) -> int | None:
    try:
        number = int(value)
    except ValueError:
        return None
    return number if low <= number <= high else None


def parse_people(text: str, errors: list[RowError]) -> list[_Person]:
    people: list[_Person] = []
    seen: dict[str, int] = {}
    slack_seen: dict[str, int] = {}
    for line, r in _rows("people", text, PEOPLE_COLUMNS, errors):
        email = r.get("email", "").lower()
        problems = []
        if not _EMAIL.match(email):
            problems.append(f"invalid email {r.get('email', '')!r}")
        elif email in seen:
            problems.append(f"duplicate email {email} (first on line {seen[email]})")
        if not r.get("first_name") or not r.get("last_name"):
            problems.append("first_name and last_name are required")
        role_text = r.get("role", "") or "employee"
        if role_text not in AppRole.__members__.values():
            problems.append(f"role must be one of employee, manager, hr, admin (got {role_text!r})")
        manager = r.get("manager_email", "").lower()
        if manager and manager == email:
            problems.append("a person cannot be their own manager")
        slack = r.get("slack_user_id") or None
        if slack and slack in slack_seen:
            problems.append(f"duplicate slack_user_id {slack} (first on line {slack_seen[slack]})")
        if problems:
            errors.extend(RowError("people", line, p) for p in problems)
            continue
        seen[email] = line
        if slack:
            slack_seen[slack] = line
        people.append(
            _Person(
                line,
                email,
                r["first_name"],
                r["last_name"],
                r.get("job_title", ""),
                r.get("department", ""),
                manager,
                r.get("location", ""),
                AppRole(role_text),
                slack,
            )
        )
    return people


def parse_skills(text: str, errors: list[RowError]) -> list[_PersonSkill]:
    out: list[_PersonSkill] = []
    for line, r in _rows("skills", text, SKILLS_COLUMNS, errors):
        problems = []
        level = _int(r["level"], 1, 5)
        if level is None:
            problems.append(f"level must be a whole number from 1 to 5 (got {r['level']!r})")
        source = r["source"] or "self"
        if source not in SkillSource.__members__.values():
            problems.append(f"source must be one of self, manager, peer, inferred, certification (got {source!r})")
        if not r["skill"]:
            problems.append("skill is empty")
        if not r["email"]:
            problems.append("email is empty")
        if problems:
            errors.extend(RowError("skills", line, p) for p in problems)
            continue
        assert level is not None
        out.append(_PersonSkill(line, r["email"].lower(), r["skill"], level, SkillSource(source)))
    return out


def parse_roles(text: str, errors: list[RowError]) -> list[_RoleRow]:
    out: list[_RoleRow] = []
    titles: dict[str, str] = {}
    for line, r in _rows("roles", text, ROLES_COLUMNS, errors):
        problems = []
        required = _int(r["required_level"], 1, 5)
        if required is None:
            problems.append(f"required_level must be a whole number from 1 to 5 (got {r['required_level']!r})")
        if r["importance"] not in Importance.__members__.values():
            problems.append(f"importance must be one of essential, important, nice_to_have (got {r['importance']!r})")
        level_text = r.get("level", "")
        if level_text and level_text not in RoleLevel.__members__.values():
            problems.append(f"level must be one of entry, mid, senior, lead, manager (got {level_text!r})")
        if not r["role_code"] or not r["title"] or not r["skill"]:
            problems.append("role_code, title and skill are required")
        elif titles.setdefault(r["role_code"], r["title"]) != r["title"]:
            problems.append(f"role_code {r['role_code']} has two titles: {titles[r['role_code']]!r} and {r['title']!r}")
        if problems:
            errors.extend(RowError("roles", line, p) for p in problems)
            continue
        assert required is not None
        out.append(
            _RoleRow(
                line,
                r["role_code"],
                r["title"],
                r.get("department", ""),
                RoleLevel(level_text) if level_text else None,
                r["skill"],
                required,
                Importance(r["importance"]),
            )
        )
    return out


def _check_managers(people: list[_Person], existing: set[str], errors: list[RowError]) -> None:
    in_file = {p.email: p for p in people}
    for p in people:
        if p.manager_email and p.manager_email not in in_file and p.manager_email not in existing:
            errors.append(RowError("people", p.line, f"manager_email {p.manager_email} is not a known person"))
    # A cycle (A manages B manages A) would make "reports of" queries meaningless.
    for p in people:
        seen = {p.email}
        boss = in_file.get(p.manager_email)
        while boss is not None:
            if boss.email in seen:
                errors.append(RowError("people", p.line, f"reporting cycle through {boss.email}"))
                break
            seen.add(boss.email)
            boss = in_file.get(boss.manager_email)


async def import_org(
    db: Database,
    slug: str,
    *,
    people_csv: str,
    skills_csv: str | None = None,
    roles_csv: str | None = None,
    name: str | None = None,
    create_unknown_skills: bool = False,
) -> ImportReport:
    if not _SLUG.match(slug):
        raise InvalidInput(f"organisation slug {slug!r} must be 2–63 lowercase letters, digits or dashes")
    errors: list[RowError] = []
    people = parse_people(people_csv, errors)
    person_skills = parse_skills(skills_csv, errors) if skills_csv is not None else []
    role_rows = parse_roles(roles_csv, errors) if roles_csv is not None else []

    async with db.org_tx(None) as conn:
        cur = await conn.execute("SELECT hrm_resolve_org(%s) AS id", (slug,))
        found = await cur.fetchone()
    org_id: UUID = found["id"] if found and found["id"] else uuid.uuid4()
    report = ImportReport(org_slug=slug, org_created=not (found and found["id"]))

    async with db.org_tx(org_id) as conn:
        existing = await _existing_emails(conn)
        _check_managers(people, existing, errors)
        known_people = existing | {p.email for p in people}
        for ps in person_skills:
            if ps.email not in known_people:
                errors.append(
                    RowError("skills", ps.line, f"email {ps.email} is not in the people file or the organisation")
                )
        names = sorted({ps.skill for ps in person_skills} | {r.skill for r in role_rows})
        resolved = await resolve_skill_names(conn, names)
        unknown = [n for n in names if n not in resolved]
        if unknown and not create_unknown_skills:
            for ps in person_skills:
                if ps.skill not in resolved:
                    errors.append(
                        RowError(
                            "skills", ps.line, f"unknown skill {ps.skill!r} (use --create-unknown-skills to add it)"
                        )
                    )
            for rr in role_rows:
                if rr.skill not in resolved:
                    errors.append(
                        RowError(
                            "roles", rr.line, f"unknown skill {rr.skill!r} (use --create-unknown-skills to add it)"
                        )
                    )
        if errors:
            errors.sort(key=lambda e: (e.file, e.line))
            # Leaving the block by exception rolls the (still empty) transaction back.
            raise ImportRejected(errors)

        if report.org_created:
            await conn.execute(
                "INSERT INTO organizations (id, slug, name) VALUES (%s, %s, %s)", (org_id, slug, name or slug)
            )
        elif name:
            await conn.execute("UPDATE organizations SET name = %s WHERE id = %s", (name, org_id))
        for skill_name in unknown:
            resolved[skill_name] = await _create_org_skill(conn, org_id, skill_name)
            report.created_skills.append(skill_name)
        await _write_people(conn, org_id, people, report)
        await _write_person_skills(conn, org_id, person_skills, resolved, report)
        await _write_roles(conn, org_id, role_rows, resolved, report)
    return report


async def _existing_emails(conn: Conn) -> set[str]:
    cur = await conn.execute("SELECT email FROM people")
    return {row["email"] for row in await cur.fetchall()}


async def _create_org_skill(conn: Conn, org_id: UUID, name: str) -> int:
    cur = await conn.execute(
        """INSERT INTO skills (org_id, source, external_id, name, name_norm, type, description)
           VALUES (%s, 'org', %s, %s, %s, 'domain_specific', 'Added by an organisation import.')
           ON CONFLICT (org_id, source, external_id) DO UPDATE SET name = EXCLUDED.name
           RETURNING id""",
        (org_id, norm(name), name, norm(name)),
    )
    row = await cur.fetchone()
    assert row is not None
    return int(row["id"])


async def _write_people(conn: Conn, org_id: UUID, people: list[_Person], report: ImportReport) -> None:
    for p in people:
        cur = await conn.execute(
            """INSERT INTO people (org_id, email, first_name, last_name, job_title, department, location,
                                   app_role, slack_user_id)
               VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)
               ON CONFLICT (org_id, email) DO UPDATE SET
                   first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name,
                   job_title = EXCLUDED.job_title, department = EXCLUDED.department,
                   location = EXCLUDED.location, app_role = EXCLUDED.app_role,
                   slack_user_id = EXCLUDED.slack_user_id, updated_at = now()
               RETURNING (xmax = 0) AS inserted""",
            (
                org_id,
                p.email,
                p.first_name,
                p.last_name,
                p.job_title,
                p.department,
                p.location,
                p.role.value,
                p.slack_user_id,
            ),
        )
        row = await cur.fetchone()
        if row and row["inserted"]:
            report.people_created += 1
        else:
            report.people_updated += 1
    # Managers in a second pass: a manager may appear after their reports in the file.
    await conn.execute(
        """UPDATE people p SET manager_id = m.id
           FROM unnest(%s::text[], %s::text[]) AS t(email, manager_email)
           LEFT JOIN people m ON m.email = t.manager_email
           WHERE p.email = t.email""",
        ([p.email for p in people], [p.manager_email or None for p in people]),
    )


async def _write_person_skills(
    conn: Conn, org_id: UUID, rows: list[_PersonSkill], resolved: dict[str, int], report: ImportReport
) -> None:
    for ps in rows:
        await conn.execute(
            """INSERT INTO person_skills (org_id, person_id, skill_id, level, confidence, source, status)
               SELECT %s, p.id, %s, %s, 1.0, %s, %s FROM people p WHERE p.email = %s
               ON CONFLICT (person_id, skill_id, source) DO UPDATE SET
                   level = EXCLUDED.level, status = EXCLUDED.status, updated_at = now()""",
            (
                org_id,
                resolved[ps.skill],
                ps.level,
                ps.source.value,
                "inferred" if ps.source == SkillSource.INFERRED else "confirmed",
                ps.email,
            ),
        )
        report.skills_set += 1


async def _write_roles(
    conn: Conn, org_id: UUID, rows: list[_RoleRow], resolved: dict[str, int], report: ImportReport
) -> None:
    by_code: dict[str, list[_RoleRow]] = {}
    for rr in rows:
        by_code.setdefault(rr.code, []).append(rr)
    for code, items in by_code.items():
        first = items[0]
        cur = await conn.execute(
            """INSERT INTO roles (org_id, source, external_id, title, title_norm, department, level)
               VALUES (%s, 'org', %s, %s, %s, %s, %s)
               ON CONFLICT (org_id, source, external_id) DO UPDATE SET
                   title = EXCLUDED.title, title_norm = EXCLUDED.title_norm,
                   department = EXCLUDED.department, level = EXCLUDED.level
               RETURNING id, (xmax = 0) AS inserted""",
            (
                org_id,
                code,
                first.title,
                norm(first.title),
                first.department,
                first.level.value if first.level else None,
            ),
        )
        row = await cur.fetchone()
        assert row is not None
        if row["inserted"]:
            report.roles_created += 1
        else:
            report.roles_updated += 1
        # The file is the whole truth about a role's requirements.
        await conn.execute("DELETE FROM role_skills WHERE role_id = %s", (row["id"],))
        requirements = {resolved[i.skill]: i for i in items}
        for skill_id, item in requirements.items():
            await conn.execute(
                """INSERT INTO role_skills (org_id, role_id, skill_id, required_level, importance)
                   VALUES (%s, %s, %s, %s, %s)""",
                (org_id, row["id"], skill_id, item.required_level, item.importance.value),
            )
