"""Which people a team question is about, and whether the caller may see them one by one.

A team is named by a manager (their whole reporting tree, the manager excluded), a department, the
whole organisation, or the caller themselves; omitted, it means a manager's own reporting tree, the
organisation for HR and admins, and the caller's department for everyone else.

Visibility follows ``hrm.core.access``: people see themselves, managers their direct and indirect
reports, HR and admins the whole organisation. An answer names people only when the caller may see
every member individually and holds the team permission (an employee's only named team is
themselves). Anything else is an aggregate answer, governed by the rules below (``MIN_GROUP`` = 5):

1. Nothing is shown about a group of fewer than ``MIN_GROUP`` people, not even its exact size; the
   answer says it is withheld for privacy.
2. Never a name, an email or one person's level; views that single people out (the matrix, single
   points of failure, who could cover for someone, development priorities) are refused.
3. Counts of people over the group (how many hold a skill at or above a level, how many meet a
   requirement) are shown. A breakdown by level is shown only when at least ``MIN_GROUP`` people
   hold the skill, because a breakdown over fewer holders can pin down one person's level.
4. A role's coverage is shown only when at least ``MIN_GROUP`` people of the group hold that role:
   coverage over fewer describes those few people's skills.

Row-level security confines every query here to the caller's organisation. Known limit: two
aggregate questions about overlapping groups (a department and a manager's tree in it) can be
subtracted from each other; the threshold narrows that, it does not remove it.
"""

from dataclasses import dataclass
from typing import Any, Literal
from uuid import UUID

from hrm.core.db import Conn
from hrm.core.errors import InvalidInput, NotFound
from hrm.core.principals import ORG_WIDE_ROLES, AppRole, Permission, Principal
from hrm.core.text import norm

MIN_GROUP = 5

ScopeKind = Literal["self", "reports", "department", "organisation"]

_DEFAULT_WORDS = frozenset({"", "myteam", "team", "myreports", "reports", "mine", "us", "ourteam"})
_SELF_WORDS = frozenset({"me", "myself", "self", "i"})
_ORG_WORDS = frozenset({"org", "organisation", "organization", "company", "everyone", "all", "wholeorganisation"})


@dataclass(frozen=True)
class Member:
    id: UUID
    name: str
    email: str
    job_title: str
    department: str
    role_id: int | None

    def as_row(self) -> dict[str, Any]:
        """The person fields ``catalog.person_role`` reads."""
        return {"role_id": self.role_id, "job_title": self.job_title}


@dataclass(frozen=True)
class Scope:
    label: str  # "Leo Lead's team", "the Engineering department", …, ready for a sentence
    kind: ScopeKind
    members: list[Member]
    individual: bool  # the caller may see every member by name
    visible: int  # how many members the caller may see individually

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def aggregate_allowed(self) -> bool:
        return self.individual or self.size >= MIN_GROUP


_COLUMNS = "p.id, p.email, p.first_name, p.last_name, p.job_title, p.department, p.role_id"

# Everyone below ``root`` in the reporting line; depth-bounded so a corrupt cycle cannot spin.
_TREE = """
WITH RECURSIVE tree(id, depth) AS (
    SELECT id, 1 FROM people WHERE manager_id = %(root)s
    UNION ALL
    SELECT p.id, t.depth + 1 FROM people p JOIN tree t ON p.manager_id = t.id WHERE t.depth < 50
)
SELECT DISTINCT id FROM tree WHERE id <> %(root)s
"""


def _member(row: dict[str, Any]) -> Member:
    return Member(
        id=row["id"],
        name=f"{row['first_name']} {row['last_name']}",
        email=str(row["email"]),
        job_title=str(row["job_title"]),
        department=str(row["department"]),
        role_id=int(row["role_id"]) if row["role_id"] is not None else None,
    )


async def _people(conn: Conn, where: str, params: dict[str, Any]) -> list[Member]:
    cur = await conn.execute(
        f"SELECT {_COLUMNS} FROM people p WHERE {where} ORDER BY p.last_name, p.first_name, p.id", params
    )
    return [_member(row) for row in await cur.fetchall()]


async def reports_of(conn: Conn, manager_id: UUID) -> set[UUID]:
    """Direct and indirect reports of ``manager_id``."""
    cur = await conn.execute(_TREE, {"root": manager_id})
    return {row["id"] for row in await cur.fetchall()}


async def visible_ids(conn: Conn, principal: Principal) -> set[UUID] | None:
    """The people the caller may see individually; ``None`` means everyone in the organisation."""
    if principal.role in ORG_WIDE_ROLES:
        return None
    if principal.role == AppRole.MANAGER:
        return {principal.person_id} | await reports_of(conn, principal.person_id)
    return {principal.person_id}


async def _find_person(conn: Conn, ref: str) -> Member | None:
    text = ref.strip()
    try:
        found = await _people(conn, "p.id = %(id)s", {"id": UUID(text)})
    except ValueError:
        if "@" in text:
            found = await _people(conn, "p.email = %(email)s", {"email": text.lower()})
        else:
            found = await _people(
                conn,
                """regexp_replace(lower(p.first_name || p.last_name), '[^a-z0-9]', '', 'g') = %(key)s
                   OR regexp_replace(lower(p.first_name), '[^a-z0-9]', '', 'g') = %(key)s
                   OR regexp_replace(lower(p.last_name), '[^a-z0-9]', '', 'g') = %(key)s""",
                {"key": norm(text)},
            )
    if len(found) > 1:
        raise InvalidInput(f"Several people match {ref!r}; give the manager's email to say whose team you mean.")
    return found[0] if found else None


async def _department(conn: Conn, ref: str) -> str | None:
    cur = await conn.execute("SELECT DISTINCT department FROM people WHERE department <> ''")
    names = [str(row["department"]) for row in await cur.fetchall()]
    key = norm(ref)
    return next((name for name in names if norm(name) == key), None)


async def _departments_hint(conn: Conn) -> str:
    cur = await conn.execute("SELECT DISTINCT department FROM people WHERE department <> '' ORDER BY 1 LIMIT 12")
    names = [str(row["department"]) for row in await cur.fetchall()]
    return f" Departments: {', '.join(names)}." if names else ""


async def _requested(conn: Conn, principal: Principal, team: str | None) -> tuple[str, ScopeKind, list[Member]]:
    text = (team or "").strip()
    key = norm(text)
    if key in _SELF_WORDS:
        return "you", "self", await _people(conn, "p.id = %(id)s", {"id": principal.person_id})
    if key in _ORG_WORDS or (key in _DEFAULT_WORDS and principal.role in ORG_WIDE_ROLES):
        return "the whole organisation", "organisation", await _people(conn, "true", {})
    if key in _DEFAULT_WORDS and principal.role == AppRole.MANAGER:
        ids = await reports_of(conn, principal.person_id)
        if not ids:
            raise InvalidInput("Nobody reports to you yet; name a department or a manager whose team you mean.")
        return "your team", "reports", await _people(conn, "p.id = ANY(%(ids)s)", {"ids": list(ids)})
    if key in _DEFAULT_WORDS:
        me = await _people(conn, "p.id = %(id)s", {"id": principal.person_id})
        if not me or not me[0].department:
            return "you", "self", me
        text = me[0].department
    department = None if "@" in text else await _department(conn, text)
    if department is not None:
        members = await _people(conn, "p.department = %(d)s", {"d": department})
        return f"the {department} department", "department", members
    person = await _find_person(conn, text)
    if person is None:
        raise NotFound(f"I couldn't find a manager or department called {text!r}.{await _departments_hint(conn)}")
    if person.id == principal.person_id and principal.role not in (AppRole.MANAGER, *ORG_WIDE_ROLES):
        return "you", "self", [person]
    ids = await reports_of(conn, person.id)
    if not ids:
        raise InvalidInput(f"Nobody reports to {person.name}; name their manager or their department instead.")
    label = "your team" if person.id == principal.person_id else f"{person.name}'s team"
    return label, "reports", await _people(conn, "p.id = ANY(%(ids)s)", {"ids": list(ids)})


async def resolve_scope(conn: Conn, principal: Principal, team: str | None) -> Scope:
    """The group ``team`` names, and how much of it the caller may see."""
    label, kind, members = await _requested(conn, principal, team)
    allowed = await visible_ids(conn, principal)
    visible = len(members) if allowed is None else sum(m.id in allowed for m in members)
    only_self = all(m.id == principal.person_id for m in members)
    individual = visible == len(members) and (principal.has(Permission.TEAM_READ) or only_self)
    return Scope(label=label, kind=kind, members=members, individual=individual, visible=visible)


def withheld_sentence(scope: Scope) -> str:
    """Why an aggregate over a small group is not shown (its exact size is not told either)."""
    return (
        f"For privacy I can't show skills for {scope.label}: it has fewer than {MIN_GROUP} people and you can't "
        f"see them individually, so any figure would describe particular colleagues."
    )
