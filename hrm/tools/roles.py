"""Role tools: normalise a job title to the roles and occupations of the catalogue."""

from pydantic import BaseModel, Field

from hrm.core.principals import Permission
from hrm.retrieval import hybrid
from hrm.retrieval.hybrid import NormalizedRole
from hrm.tools.context import ToolContext
from hrm.tools.registry import registry
from hrm.tools.skills import Taxonomy


class NormalizeTitleInput(BaseModel):
    titles: list[str] = Field(
        min_length=1, max_length=1000, description="Job titles as people write them, e.g. ['Sr. Data Eng (Berlin)']."
    )
    top_k: int = Field(5, ge=1, le=50, description="How many roles to rank per title.")
    taxonomy: Taxonomy = "all"


class TitleResult(BaseModel):
    title: str
    results: list[NormalizedRole]


class NormalizeTitleOutput(BaseModel):
    titles: list[TitleResult]


@registry.tool(permission=Permission.SKILLS_READ)
async def normalize_title(args: NormalizeTitleInput, ctx: ToolContext) -> NormalizeTitleOutput:
    """Rank the catalogue roles and occupations (built-in, ESCO, O*NET, the organisation's) a job title means."""
    titles = [t[:300] for t in args.titles]
    ranked = await hybrid.normalize_titles(ctx.conn, ctx.embedder, titles, taxonomy=args.taxonomy, top_k=args.top_k)
    return NormalizeTitleOutput(titles=[TitleResult(title=t, results=r) for t, r in zip(titles, ranked, strict=True)])
