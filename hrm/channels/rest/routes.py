"""REST routes under /api/v2: thin adapters over the tool registry and the agent."""

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from hrm.channels.rest.auth import PrincipalDep, RuntimeDep, require_org
from hrm.tools import registry
from hrm.tools.profile import GetProfileOutput
from hrm.tools.skills import SearchSkillsOutput

router = APIRouter(prefix="/api/v2/organizations/{org}")


@router.get("/skills", response_model=SearchSkillsOutput, summary="Search skills")
async def list_skills(
    org: str,
    principal: PrincipalDep,
    runtime: RuntimeDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="Name, alias or keywords.")],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1000)] = 0,
) -> SearchSkillsOutput:
    require_org(principal, org)
    out = await registry.call(
        "search_skills", {"query": q, "limit": limit, "offset": offset}, principal, runtime.deps, channel="rest"
    )
    assert isinstance(out, SearchSkillsOutput)
    return out


@router.get("/employees/{employee_id}/skills", response_model=GetProfileOutput, summary="An employee's skills")
async def employee_skills(org: str, employee_id: str, principal: PrincipalDep, runtime: RuntimeDep) -> GetProfileOutput:
    """``employee_id`` is a person id, an email, or ``me``."""
    require_org(principal, org)
    out = await registry.call("get_profile", {"person": employee_id}, principal, runtime.deps, channel="rest")
    assert isinstance(out, GetProfileOutput)
    return out


class ChatRequest(BaseModel):
    message: str = Field(min_length=1, max_length=4000)
    conversation_id: str | None = Field(None, max_length=200, description="Continue this conversation.")


class ToolCallOut(BaseModel):
    name: str
    args: dict[str, object]
    ok: bool


class ChatResponse(BaseModel):
    text: str
    tool_calls: list[ToolCallOut]
    data: dict[str, object]
    conversation_id: str


@router.post("/chat", response_model=ChatResponse, summary="One chat turn")
async def chat(org: str, body: ChatRequest, principal: PrincipalDep, runtime: RuntimeDep) -> ChatResponse:
    require_org(principal, org)
    reply = await runtime.agent.ask(principal, body.message, conversation_id=body.conversation_id, channel="rest")
    return ChatResponse.model_validate(reply.to_json())
