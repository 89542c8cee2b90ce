"""Two organisations of their own for the security suites, so every relation the access rules know
(self, a manager's report, someone outside the reporting line, another organisation) is present.

Every person's last name is a marker no one else's data contains: a reply that holds it shows that
person's data, which is what the leak checks look for.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

import httpx
import pytest
from fastapi import FastAPI

from hrm.channels.rest.app import create_app
from hrm.core.db import Database
from hrm.core.identity import principal_by_email
from hrm.core.principals import Principal
from hrm.core.settings import Settings
from hrm.core.tokens import mint
from hrm.retrieval.embeddings import FakeEmbedder
from hrm.tools.org_import import import_org

ORG_A, ORG_B = "sec-north", "sec-south"

_PEOPLE_A = """email,first_name,last_name,job_title,department,manager_email,location,role,slack_user_id
alice@sec-north.test,Alice,Quaddmin,Chief Executive Officer,Leadership,,Milan,admin,USECALICE
hugo@sec-north.test,Hugo,Quhrson,HR Business Partner,People,alice@sec-north.test,Milan,hr,USECHUGO
max@sec-north.test,Max,Qumanagerio,Engineering Manager,Engineering,alice@sec-north.test,Berlin,manager,USECMAX
emma@sec-north.test,Emma,Quemploya,Software Engineer,Engineering,max@sec-north.test,Berlin,employee,USECEMMA
rita@sec-north.test,Rita,Qureportova,Data Engineer,Engineering,max@sec-north.test,Berlin,employee,USECRITA
xavier@sec-north.test,Xavier,Quoutsidera,Account Executive,Sales,alice@sec-north.test,London,employee,USECXAVIER
"""
_SKILLS_A = """email,skill,level,source
emma@sec-north.test,Python,3,self
emma@sec-north.test,JavaScript,2,self
rita@sec-north.test,Python,4,manager
rita@sec-north.test,SQL,4,self
rita@sec-north.test,Kubernetes,3,self
xavier@sec-north.test,Negotiation,4,self
max@sec-north.test,Python,3,self
"""
_ROLES_A = """role_code,title,department,level,skill,required_level,importance
SEC-DE,Senior Data Engineer,Engineering,senior,Python,4,essential
SEC-DE,Senior Data Engineer,Engineering,senior,SQL,4,essential
SEC-DE,Senior Data Engineer,Engineering,senior,Kubernetes,3,important
"""
_PEOPLE_B = """email,first_name,last_name,job_title,department,manager_email,location,role,slack_user_id
bella@sec-south.test,Bella,Quforeignadmin,Chief Executive Officer,Leadership,,Paris,admin,USECBELLA
zoe@sec-south.test,Zoe,Quforeignzoe,Data Engineer,Engineering,bella@sec-south.test,Paris,employee,USECZOE
"""
_SKILLS_B = """email,skill,level,source
zoe@sec-south.test,Python,5,self
zoe@sec-south.test,SQL,5,self
"""


@dataclass(frozen=True)
class Person:
    key: str
    principal: Principal
    last_name: str

    @property
    def id(self) -> UUID:
        return self.principal.person_id

    @property
    def email(self) -> str:
        return self.principal.email

    @property
    def org(self) -> str:
        return self.principal.org_slug

    def markers(self) -> set[str]:
        """Strings that appear in a reply only when it carries this person's data."""
        return {self.last_name, self.email, str(self.id)}


@dataclass(frozen=True)
class SecurityOrgs:
    people: dict[str, Person]

    def __getitem__(self, key: str) -> Person:
        return self.people[key]

    def reports_of(self, manager: Person) -> set[str]:
        return {"employee", "report"} if manager.key == "manager" else set()

    def manager_of(self, person: Person) -> str | None:
        return _MANAGERS.get(person.key)


_MANAGERS = {
    "hr": "admin",
    "manager": "admin",
    "employee": "manager",
    "report": "manager",
    "non_report": "admin",
    "other_employee": "other_admin",
}

_KEYS = {
    "admin": ("alice", ORG_A, "Quaddmin"),
    "hr": ("hugo", ORG_A, "Quhrson"),
    "manager": ("max", ORG_A, "Qumanagerio"),
    "employee": ("emma", ORG_A, "Quemploya"),
    "report": ("rita", ORG_A, "Qureportova"),
    "non_report": ("xavier", ORG_A, "Quoutsidera"),
    "other_admin": ("bella", ORG_B, "Quforeignadmin"),
    "other_employee": ("zoe", ORG_B, "Quforeignzoe"),
}


@pytest.fixture(scope="session")
async def sec_orgs(db: Database) -> SecurityOrgs:
    await import_org(db, ORG_A, name="Security North", people_csv=_PEOPLE_A, skills_csv=_SKILLS_A, roles_csv=_ROLES_A)
    await import_org(db, ORG_B, name="Security South", people_csv=_PEOPLE_B, skills_csv=_SKILLS_B)
    people = {}
    for label, (first, org, last) in _KEYS.items():
        principal = await principal_by_email(db, org, f"{first}@{org}.test")
        people[label] = Person(label, principal, last)
    return SecurityOrgs(people)


def bearer(settings: Settings, principal: Principal) -> dict[str, str]:
    token = mint(settings.resolved_jwt_secret(), principal, timedelta(minutes=30))
    return {"Authorization": f"Bearer {token}"}


def unlimited(settings: Settings) -> Settings:
    """The session's settings without rate limits, for suites that send many requests on purpose."""
    return settings.model_copy(update={"rate_limit_enabled": False})


@pytest.fixture(scope="module")
async def open_client(settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    """The real app in-process, rate limits off."""
    app: FastAPI = create_app(unlimited(settings), embedder=FakeEmbedder())
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        yield http
