"""Taxonomy tools: search the skills the caller's organisation can see."""

from typing import Literal

from pydantic import BaseModel, Field

from hrm.core.principals import Permission
from hrm.retrieval import skill_search
from hrm.retrieval.skill_search import SkillHit
from hrm.tools.context import ToolContext
from hrm.tools.registry import registry


class SearchSkillsInput(BaseModel):
    query: str = Field(min_length=1, max_length=200, description="Skill name, alias or keywords, e.g. 'k8s'.")
    limit: int = Field(10, ge=1, le=100, description="How many results to return.")
    offset: int = Field(0, ge=0, le=1000, description="How many results to skip, for paging.")
    taxonomy: Literal["all", "builtin", "esco", "onet", "org"] = Field(
        "all", description="Restrict to one source taxonomy."
    )


class SearchSkillsOutput(BaseModel):
    query: str
    total: int = Field(description="Matches found before paging (capped at offset + limit + 50).")
    results: list[SkillHit]


@registry.tool(permission=Permission.SKILLS_READ)
async def search_skills(args: SearchSkillsInput, ctx: ToolContext) -> SearchSkillsOutput:
    """Search the skills taxonomy by name, alias, keywords or a misspelling; returns ranked skills."""
    hits = await skill_search.search_skills(
        ctx.conn, args.query, taxonomy=args.taxonomy, limit=args.offset + args.limit + 50
    )
    page = hits[args.offset : args.offset + args.limit]
    return SearchSkillsOutput(
        query=args.query,
        total=len(hits),
        results=page,
    )
