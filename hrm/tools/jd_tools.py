"""Job-description tools for HR: generate a structured JD grounded in the role catalogue and the
organisation's data, refine it conversationally into new versions, list versions and export."""

from uuid import UUID

from pydantic import BaseModel, Field

from hrm.core.errors import PermissionDenied
from hrm.core.principals import ORG_WIDE_ROLES, Permission
from hrm.tools.context import ToolContext
from hrm.tools.jd import inclusive, reality, refine, render, store
from hrm.tools.jd.builder import JDRequest, build, enrich
from hrm.tools.jd.diff import changes, text_diff
from hrm.tools.jd.model import InclusiveReport, JDVersionRef, JobDescription, RealityReport
from hrm.tools.jd.org_settings import load_settings
from hrm.tools.jd.polish import polish
from hrm.tools.jd.render import ExportFormat
from hrm.tools.registry import registry


def require_hr(ctx: ToolContext) -> None:
    """Job descriptions are HR's and admins' work; the registry permission lets managers list the
    tools, so the role is checked here as well."""
    if ctx.principal.role not in ORG_WIDE_ROLES:
        raise PermissionDenied("Only HR and admins can draft or edit job descriptions; ask your HR partner.")


class JDResult(BaseModel):
    jd_id: UUID = Field(description="The job description's id; pass it to refine_job_description.")
    version: int
    job_description: JobDescription
    inclusive: InclusiveReport
    reality: RealityReport
    markdown: str = Field(description="The JD rendered as Markdown, with internal hiring notes.")
    polish: str | None = Field(
        None,
        description="When a language model is configured: whether its rewrite of the prose was kept "
        "('polished') or why the template text was kept instead.",
    )


class GenerateJobDescriptionInput(JDRequest):
    pass


@registry.tool(permission=Permission.TEAM_READ)
async def generate_job_description(args: GenerateJobDescriptionInput, ctx: ToolContext) -> JDResult:
    """Draft a structured job description (HR and admins) from a job title and optional level,
    department, location, employment type, free-text key requirements, team size and reports-to.
    Skills come from the role catalogue (or the organisation's own role) plus skills the requirements
    name; salary and benefits from the organisation's settings; market insights from skills data.
    Returns the JD (stored as version 1), inclusive-language flags and a reality check against the
    role's current holders."""
    require_hr(ctx)
    jd, polished = await _polished(ctx, await build(ctx.conn, ctx.embedder, args))
    jd_id, version = await store.save(ctx.conn, ctx.principal, jd)
    return JDResult(
        jd_id=jd_id,
        version=version,
        job_description=jd,
        inclusive=inclusive.check(jd),
        reality=await reality.check(ctx.conn, ctx.embedder, jd),
        markdown=render.markdown(jd),
        polish=polished,
    )


async def _polished(ctx: ToolContext, jd: JobDescription) -> tuple[JobDescription, str | None]:
    """The JD with its prose rewritten by the configured model when the rewrite invents nothing."""
    if ctx.deps.writer is None:
        return jd, None
    outcome = await polish(ctx.conn, jd, ctx.deps.writer)
    return outcome.job_description, outcome.reason


class RefineJobDescriptionInput(BaseModel):
    jd_id: UUID = Field(description="The id generate_job_description returned.")
    instruction: str = Field(
        min_length=1,
        max_length=500,
        description="The edit in plain words: 'make it more senior', 'add Kubernetes as essential', "
        "'remove Terraform', 'remove the degree requirement', 'shorter', 'change location to Milan', "
        "'friendlier tone'. Several may be joined with 'and'.",
    )


class RefineResult(JDResult):
    previous_version: int
    changes: list[str] = Field(description="What changed, one sentence each.")
    diff: str = Field(description="Unified diff of the candidate-facing Markdown.")


@registry.tool(permission=Permission.TEAM_READ)
async def refine_job_description(args: RefineJobDescriptionInput, ctx: ToolContext) -> RefineResult:
    """Edit a stored job description (HR and admins) with a plain instruction — more or less senior,
    add or remove a skill with its importance, remove the degree requirement, shorter or longer,
    change location, formal or friendly tone — producing a new version with a readable diff.
    Unsupported edits (e.g. translation) are declined and no version is created."""
    require_hr(ctx)
    old, old_version = await store.load(ctx.conn, args.jd_id)
    edits = refine.parse(args.instruction)
    edited = await refine.apply(ctx.conn, old, edits)
    # Not polished again: a refinement changes what it says it changes, and nothing else.
    new = await enrich(ctx.conn, edited, await load_settings(ctx.conn))
    _, version = await store.save(ctx.conn, ctx.principal, new, args.jd_id)
    return RefineResult(
        jd_id=args.jd_id,
        version=version,
        previous_version=old_version,
        changes=changes(old, new) or ["No visible change: the JD already said that."],
        diff=text_diff(old, new, old_version=old_version, new_version=version),
        job_description=new,
        inclusive=inclusive.check(new),
        reality=await reality.check(ctx.conn, ctx.embedder, new),
        markdown=render.markdown(new),
    )


class JDVersionsInput(BaseModel):
    jd_id: UUID


class JDVersionsOutput(BaseModel):
    jd_id: UUID
    versions: list[JDVersionRef]


@registry.tool(permission=Permission.TEAM_READ)
async def list_job_description_versions(args: JDVersionsInput, ctx: ToolContext) -> JDVersionsOutput:
    """List the stored versions of a job description (HR and admins): number, title, author, time."""
    require_hr(ctx)
    return JDVersionsOutput(jd_id=args.jd_id, versions=await store.versions(ctx.conn, args.jd_id))


class ExportJDInput(BaseModel):
    jd_id: UUID
    format: ExportFormat = Field("markdown", description="markdown, html or json.")
    version: int | None = Field(None, ge=1, description="Which version; omit for the latest.")


class ExportJDOutput(BaseModel):
    jd_id: UUID
    version: int
    format: ExportFormat
    media_type: str
    filename: str
    content: str


MEDIA_TYPES = {"markdown": "text/markdown", "html": "text/html", "json": "application/json"}
EXTENSIONS = {"markdown": "md", "html": "html", "json": "json"}


@registry.tool(permission=Permission.TEAM_READ)
async def export_job_description(args: ExportJDInput, ctx: ToolContext) -> ExportJDOutput:
    """Export a job description (HR and admins) as Markdown, HTML or JSON, the latest version or a
    given one; the export is the candidate-facing text without internal hiring notes."""
    require_hr(ctx)
    jd, version = await store.load(ctx.conn, args.jd_id, args.version)
    slug = "-".join(jd.title.lower().split())
    return ExportJDOutput(
        jd_id=args.jd_id,
        version=version,
        format=args.format,
        media_type=MEDIA_TYPES[args.format],
        filename=f"{slug}-v{version}.{EXTENSIONS[args.format]}",
        content=render.export(jd, args.format),
    )
