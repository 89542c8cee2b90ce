"""Background work over REST: skills inference from uploaded documents, answered 202 with a job
polled at /api/v2/jobs/{id}/status."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, File, Form, Header, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError

from hrm.channels.rest.auth import PrincipalDep, RuntimeDep, require_org
from hrm.core.errors import InvalidInput
from hrm.retrieval.intake import MAX_BYTES, read_document
from hrm.tools.infer import InferSkillsInput
from hrm.tools.jobs import JobStatus, enqueue, job_status
from hrm.tools.registry import describe_validation_error

router = APIRouter()


class JobAccepted(BaseModel):
    job_id: UUID
    status_url: str
    created: bool


@router.post(
    "/api/v2/organizations/{org}/ai/infer-skills",
    status_code=202,
    response_model=JobAccepted,
    summary="Infer skills from uploaded documents (a background job)",
)
async def infer_skills_job(
    org: str,
    principal: PrincipalDep,
    runtime: RuntimeDep,
    files: Annotated[list[UploadFile], File(description="CVs, GitHub JSON, LinkedIn exports … (5 MB each).")],
    source: Annotated[str | None, Form(description="cv, github, linkedin, project or review.")] = None,
    save_for: Annotated[str | None, Form(description="Store the result in this person's passport ('me').")] = None,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> JSONResponse:
    """Every file is read and checked before the job is queued: a bad file is a 422 and nothing is kept."""
    require_org(principal, org)
    documents = []
    for upload in files[:10]:
        data = await upload.read(MAX_BYTES + 1)
        document = read_document(data, upload.filename or "upload", source=source)
        documents.append({"file": document.file, "source": document.source, "text": document.text})
    try:
        args = InferSkillsInput.model_validate({"documents": documents, "save_for": save_for})
    except ValidationError as exc:
        raise InvalidInput(describe_validation_error(exc)) from None
    job_id, created = await enqueue(
        runtime.deps, principal, "infer_skills", args.model_dump(mode="json"), idempotency_key
    )
    url = f"/api/v2/jobs/{job_id}/status"
    body = JobAccepted(job_id=job_id, status_url=url, created=created)
    return JSONResponse(body.model_dump(mode="json"), status_code=202, headers={"Location": url})


@router.get("/api/v2/jobs/{job_id}/status", response_model=JobStatus, summary="A background job's status")
async def get_job_status(job_id: UUID, principal: PrincipalDep, runtime: RuntimeDep) -> JobStatus:
    return await job_status(runtime.deps, principal, job_id)
