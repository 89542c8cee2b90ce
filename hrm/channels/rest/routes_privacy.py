"""REST routes for privacy rights and oversight: export, erasure, consent, and the audit for admins.

``employee_id`` is ``me``, a person id or an email; naming someone else is for HR and admins
(the tools decide, as for every channel).
"""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from hrm.channels.rest.auth import PrincipalDep, RuntimeDep, require_org
from hrm.channels.runtime import Runtime
from hrm.core.principals import Principal
from hrm.tools import consent, oversight, privacy
from hrm.tools.consent import ListConsentsOutput, SetConsentOutput, Source
from hrm.tools.oversight import QueryAuditOutput
from hrm.tools.privacy import EraseMyDataOutput, ExportMyDataOutput
from hrm.tools.registry import registry

router = APIRouter(prefix="/api/v2/organizations/{org}", tags=["privacy"])


def _who(employee_id: str) -> str | None:
    return None if employee_id == "me" else employee_id


async def _call(runtime: Runtime, principal: Principal, tool: str, args: dict[str, Any]) -> Any:
    return await registry.call(tool, args, principal, runtime.deps, channel="rest")


@router.get("/employees/{employee_id}/export", response_model=ExportMyDataOutput, summary="Export personal data")
async def export_data(org: str, employee_id: str, principal: PrincipalDep, runtime: RuntimeDep) -> ExportMyDataOutput:
    require_org(principal, org)
    out = await _call(runtime, principal, privacy.export_my_data.__name__, {"person": _who(employee_id)})
    assert isinstance(out, ExportMyDataOutput)
    return out


class EraseRequest(BaseModel):
    confirm: bool = Field(description="Must be true: erasure is permanent.")


@router.delete("/employees/{employee_id}", response_model=EraseMyDataOutput, summary="Erase personal data")
async def erase_data(
    org: str, employee_id: str, body: EraseRequest, principal: PrincipalDep, runtime: RuntimeDep
) -> EraseMyDataOutput:
    require_org(principal, org)
    args = {"person": _who(employee_id), "confirm": body.confirm}
    out = await _call(runtime, principal, privacy.erase_my_data.__name__, args)
    assert isinstance(out, EraseMyDataOutput)
    return out


@router.get("/employees/{employee_id}/consents", response_model=ListConsentsOutput, summary="Consents per source")
async def get_consents(org: str, employee_id: str, principal: PrincipalDep, runtime: RuntimeDep) -> ListConsentsOutput:
    require_org(principal, org)
    out = await _call(runtime, principal, consent.list_consents.__name__, {"person": _who(employee_id)})
    assert isinstance(out, ListConsentsOutput)
    return out


class ConsentRequest(BaseModel):
    granted: bool = Field(description="True to allow this source for skill inference, false to withdraw.")


@router.put("/employees/me/consents/{source}", response_model=SetConsentOutput, summary="Grant or withdraw consent")
async def put_consent(
    org: str, source: Source, body: ConsentRequest, principal: PrincipalDep, runtime: RuntimeDep
) -> SetConsentOutput:
    require_org(principal, org)
    out = await _call(runtime, principal, consent.set_consent.__name__, {"source": source, "granted": body.granted})
    assert isinstance(out, SetConsentOutput)
    return out


@router.get("/audit", response_model=QueryAuditOutput, summary="The audit log (admins)")
async def get_audit(
    org: str,
    principal: PrincipalDep,
    runtime: RuntimeDep,
    person: Annotated[str | None, Query(max_length=200, description="Calls by this person or pseudonym.")] = None,
    tool: Annotated[str | None, Query(max_length=100)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> QueryAuditOutput:
    require_org(principal, org)
    args = {"person": person, "tool": tool, "since": since, "until": until, "limit": limit}
    out = await _call(runtime, principal, oversight.query_audit.__name__, args)
    assert isinstance(out, QueryAuditOutput)
    return out
