"""REST routes for job descriptions: generate (as in the seed's ``jobs/generate``), refine into a new
version, list versions, export. Thin adapters over the job-description tools."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from hrm.channels.rest.auth import PrincipalDep, RuntimeDep, require_org
from hrm.tools import registry
from hrm.tools.jd.model import JDSkill, MarketInsights
from hrm.tools.jd.render import ExportFormat
from hrm.tools.jd_tools import (
    ExportJDOutput,
    GenerateJobDescriptionInput,
    JDResult,
    JDVersionsOutput,
    RefineResult,
)

router = APIRouter(prefix="/api/v2/organizations/{org}/jobs", tags=["job descriptions"])


class GenerateResponse(JDResult):
    # The seed's response keys, beside the structured JD they repeat.
    skills_breakdown: list[JDSkill]
    market_insights: MarketInsights


class RefineRequest(BaseModel):
    instruction: str = Field(
        min_length=1,
        max_length=500,
        description="The edit in plain words, e.g. 'make it more senior and add Kubernetes as essential'.",
    )


@router.post("/generate", response_model=GenerateResponse, summary="Generate a job description")
async def generate(
    org: str, body: GenerateJobDescriptionInput, principal: PrincipalDep, runtime: RuntimeDep
) -> GenerateResponse:
    require_org(principal, org)
    out = await registry.call("generate_job_description", body, principal, runtime.deps, channel="rest")
    assert isinstance(out, JDResult)
    return GenerateResponse(
        **out.model_dump(),
        skills_breakdown=out.job_description.skills,
        market_insights=out.job_description.market,
    )


@router.post("/{jd_id}/refine", response_model=RefineResult, summary="Refine a job description into a new version")
async def refine(
    org: str, jd_id: UUID, body: RefineRequest, principal: PrincipalDep, runtime: RuntimeDep
) -> RefineResult:
    require_org(principal, org)
    args = {"jd_id": str(jd_id), "instruction": body.instruction}
    out = await registry.call("refine_job_description", args, principal, runtime.deps, channel="rest")
    assert isinstance(out, RefineResult)
    return out


@router.get("/{jd_id}/versions", response_model=JDVersionsOutput, summary="Versions of a job description")
async def versions(org: str, jd_id: UUID, principal: PrincipalDep, runtime: RuntimeDep) -> JDVersionsOutput:
    require_org(principal, org)
    out = await registry.call(
        "list_job_description_versions", {"jd_id": str(jd_id)}, principal, runtime.deps, channel="rest"
    )
    assert isinstance(out, JDVersionsOutput)
    return out


@router.get("/{jd_id}/export", summary="Export a job description as Markdown, HTML or JSON")
async def export(
    org: str,
    jd_id: UUID,
    principal: PrincipalDep,
    runtime: RuntimeDep,
    format: Annotated[ExportFormat, Query(description="markdown, html or json.")] = "markdown",
    version: Annotated[int | None, Query(ge=1, description="Which version; omit for the latest.")] = None,
) -> Response:
    require_org(principal, org)
    args = {"jd_id": str(jd_id), "format": format, "version": version}
    out = await registry.call("export_job_description", args, principal, runtime.deps, channel="rest")
    assert isinstance(out, ExportJDOutput)
    return Response(
        content=out.content,
        media_type=out.media_type,
        headers={"Content-Disposition": f'attachment; filename="{out.filename}"', "X-JD-Version": str(out.version)},
    )
