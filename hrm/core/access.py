"""Record-level access: which people a principal may see.

Role permissions say *what kind* of data a caller may ask for; these checks say *whose*. Row-level
security already confines every query to the caller's organisation; this narrows it further.
"""

from uuid import UUID

from hrm.core.db import Conn
from hrm.core.principals import ORG_WIDE_ROLES, AppRole, Principal

# Walks up from the target through its managers; the caller may see the target when it is found
# on that chain. Depth-bounded so a corrupt cycle cannot spin forever.
_IS_IN_REPORTING_LINE = """
WITH RECURSIVE chain(id, manager_id, depth) AS (
    SELECT id, manager_id, 0 FROM people WHERE id = %(target)s
    UNION ALL
    SELECT p.id, p.manager_id, c.depth + 1 FROM people p JOIN chain c ON p.id = c.manager_id
    WHERE c.depth < 50
)
SELECT EXISTS (SELECT 1 FROM chain WHERE manager_id = %(viewer)s) AS ok
"""


async def can_view_person(conn: Conn, principal: Principal, person_id: UUID) -> bool:
    if person_id == principal.person_id or principal.role in ORG_WIDE_ROLES:
        return True
    if principal.role != AppRole.MANAGER:
        return False
    cur = await conn.execute(_IS_IN_REPORTING_LINE, {"target": person_id, "viewer": principal.person_id})
    row = await cur.fetchone()
    return bool(row and row["ok"])


_REPORTS = """
WITH RECURSIVE tree(id, depth) AS (
    SELECT id, 1 FROM people WHERE manager_id = %(viewer)s
    UNION
    SELECT p.id, t.depth + 1 FROM people p JOIN tree t ON p.manager_id = t.id WHERE t.depth < 50
)
SELECT DISTINCT id FROM tree
"""


async def visible_people(conn: Conn, principal: Principal) -> list[UUID]:
    """Everyone the principal may see individually: the organisation for HR and admins, direct
    and indirect reports (and themselves) for managers, only themselves otherwise."""
    if principal.role in ORG_WIDE_ROLES:
        cur = await conn.execute("SELECT id FROM people ORDER BY id")
        return [row["id"] for row in await cur.fetchall()]
    if principal.role != AppRole.MANAGER:
        return [principal.person_id]
    cur = await conn.execute(_REPORTS, {"viewer": principal.person_id})
    return sorted({principal.person_id, *(row["id"] for row in await cur.fetchall())})
