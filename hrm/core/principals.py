"""Who is calling, and what each application role may do.

A principal is fixed by the channel (CLI flag, verified JWT, verified Slack user) and travels with
every tool call; nothing the planner or a user writes can change it.
"""

from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, ConfigDict


class AppRole(StrEnum):
    EMPLOYEE = "employee"
    MANAGER = "manager"
    HR = "hr"
    ADMIN = "admin"


class Permission(StrEnum):
    SKILLS_READ = "skills:read"  # the shared taxonomy and the organisation's own skills
    PROFILE_READ = "profile:read"  # a person's skills; which people is decided per record
    TEAM_READ = "team:read"  # aggregates over reports
    ORG_ADMIN = "org:admin"  # imports, settings


# How a refusal names what was missing, for people rather than for engineers.
PERMISSION_PURPOSE: dict[Permission, str] = {
    Permission.SKILLS_READ: "looking up skills",
    Permission.PROFILE_READ: "seeing skill profiles",
    Permission.TEAM_READ: "team views such as ranking people for a role; those are for managers and HR",
    Permission.ORG_ADMIN: "administering the organisation; that is for admins",
}

ROLE_PERMISSIONS: dict[AppRole, frozenset[Permission]] = {
    AppRole.EMPLOYEE: frozenset({Permission.SKILLS_READ, Permission.PROFILE_READ}),
    AppRole.MANAGER: frozenset({Permission.SKILLS_READ, Permission.PROFILE_READ, Permission.TEAM_READ}),
    AppRole.HR: frozenset({Permission.SKILLS_READ, Permission.PROFILE_READ, Permission.TEAM_READ}),
    AppRole.ADMIN: frozenset(Permission),
}

# Roles that may see every person of their organisation (managers see their reporting line only).
ORG_WIDE_ROLES = frozenset({AppRole.HR, AppRole.ADMIN})


class Principal(BaseModel):
    model_config = ConfigDict(frozen=True)

    org_id: UUID
    org_slug: str
    person_id: UUID
    email: str
    display_name: str
    role: AppRole

    def has(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]
