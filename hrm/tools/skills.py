"""Taxonomy tools: search skills, look one up, and link free text to skills."""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from hrm.core.db import Conn
from hrm.core.errors import NotFound
from hrm.core.principals import Permission
from hrm.retrieval import hybrid, skill_search
from hrm.retrieval.hybrid import LinkedSkill
from hrm.retrieval.skill_lookup import resolve_skill_names
from hrm.retrieval.skill_search import SkillHit
from hrm.tools.context import ToolContext
from hrm.tools.registry import registry

Taxonomy = Annotated[
    Literal["all", "builtin", "esco", "onet", "org"],
    Field(description="Restrict to one source taxonomy (all, builtin, esco, onet, org)."),
]


class SearchSkillsInput(BaseModel):
    query: str = Field(min_length=1, max_length=200, description="Skill name, alias or keywords, e.g. 'k8s'.")
    limit: int = Field(10, ge=1, le=100, description="How many results to return.")
    offset: int = Field(0, ge=0, le=1000, description="How many results to skip, for paging.")
    taxonomy: Taxonomy = "all"


class SearchSkillsOutput(BaseModel):
    query: str
    total: int = Field(description="Matches found before paging (capped at offset + limit + 50).")
    results: list[SkillHit]


@registry.tool(permission=Permission.SKILLS_READ)
async def search_skills(args: SearchSkillsInput, ctx: ToolContext) -> SearchSkillsOutput:
    """Search the skills taxonomy by name, alias, keywords, meaning or a misspelling; returns ranked skills."""
    hits = await hybrid.search_skills(
        ctx.conn, ctx.embedder, args.query, taxonomy=args.taxonomy, limit=args.offset + args.limit + 50
    )
    return SearchSkillsOutput(query=args.query, total=len(hits), results=hits[args.offset : args.offset + args.limit])


class GetSkillInput(BaseModel):
    skill: str = Field(min_length=1, max_length=200, description="A skill id, name or alias, e.g. 'Postgres'.")


class RelatedSkill(BaseModel):
    skill_id: int
    name: str
    relation: str = Field(description="prerequisite, complementary, builds_on, broader, essential_for, optional_for")
    direction: Literal["outgoing", "incoming"] = Field(
        description="outgoing: this skill → related (e.g. this is a prerequisite of it); incoming: related → this."
    )


class RoleNeed(BaseModel):
    role_id: int
    title: str
    source: str
    required_level: int
    importance: str


class MarketSignals(BaseModel):
    demand: str | None
    automation_risk: str | None
    growth: float | None


class GetSkillOutput(BaseModel):
    skill_id: int
    name: str
    type: str
    cluster: str | None
    description: str
    source: str
    external_id: str
    aliases: list[str]
    market: MarketSignals
    related: list[RelatedSkill]
    roles: list[RoleNeed] = Field(description="Roles that require it, the organisation's and essential ones first.")


async def find_skill(conn: Conn, ref: str) -> int:
    if ref.strip().isdigit():
        cur = await conn.execute("SELECT id FROM skills WHERE id = %s", (int(ref),))
        row = await cur.fetchone()
        if row:
            return int(row["id"])
    resolved = await resolve_skill_names(conn, [ref])
    if ref in resolved:
        return resolved[ref]
    hits = await skill_search.search_skills(conn, ref, limit=3)
    if hits and hits[0].match in ("prefix", "fuzzy") and hits[0].score >= 0.3:
        return hits[0].skill_id
    hint = f" Did you mean {', '.join(h.name for h in hits)}?" if hits else ""
    raise NotFound(f"I couldn't find a skill called {ref!r}.{hint}")


async def _rows(conn: Conn, sql: str, *params: Any) -> list[dict[str, Any]]:
    cur = await conn.execute(sql, params)
    return list(await cur.fetchall())


@registry.tool(permission=Permission.SKILLS_READ)
async def get_skill(args: GetSkillInput, ctx: ToolContext) -> GetSkillOutput:
    """Describe one skill: description, aliases, related skills, roles that need it and market signals."""
    skill_id = await find_skill(ctx.conn, args.skill)
    (row,) = await _rows(ctx.conn, "SELECT * FROM skills WHERE id = %s", skill_id)
    aliases = await _rows(
        ctx.conn, "SELECT alias FROM skill_aliases WHERE skill_id = %s ORDER BY kind, alias LIMIT 30", skill_id
    )
    related = await _rows(
        ctx.conn,
        """SELECT s.id, s.name, r.type, 'outgoing' AS direction
           FROM skill_relations r JOIN skills s ON s.id = r.to_skill_id WHERE r.from_skill_id = %s
           UNION ALL
           SELECT s.id, s.name, r.type, 'incoming' FROM skill_relations r JOIN skills s ON s.id = r.from_skill_id
           WHERE r.to_skill_id = %s
           ORDER BY 3, 2 LIMIT 40""",
        skill_id,
        skill_id,
    )
    roles = await _rows(
        ctx.conn,
        """SELECT r.id, r.title, r.source, rs.required_level, rs.importance FROM role_skills rs
           JOIN roles r ON r.id = rs.role_id WHERE rs.skill_id = %s
           ORDER BY (r.org_id IS NULL), CASE rs.importance WHEN 'essential' THEN 0 WHEN 'important' THEN 1 ELSE 2 END,
                    CASE r.source WHEN 'builtin' THEN 0 ELSE 1 END, r.title
           LIMIT 20""",
        skill_id,
    )
    return GetSkillOutput(
        skill_id=row["id"],
        name=row["name"],
        type=row["type"],
        cluster=row["cluster"],
        description=row["description"],
        source=row["source"],
        external_id=row["external_id"],
        aliases=[a["alias"] for a in aliases],
        market=MarketSignals(demand=row["demand"], automation_risk=row["automation_risk"], growth=row["growth"]),
        related=[
            RelatedSkill(skill_id=r["id"], name=r["name"], relation=r["type"], direction=r["direction"])
            for r in related
        ],
        roles=[
            RoleNeed(
                role_id=r["id"],
                title=r["title"],
                source=r["source"],
                required_level=r["required_level"],
                importance=r["importance"],
            )
            for r in roles
        ],
    )


class LinkSkillsInput(BaseModel):
    texts: list[str] = Field(
        min_length=1,
        max_length=1000,
        description="Sentences or spans to link, e.g. ['built Kubernetes operators in Go'].",
    )
    top_k: int = Field(10, ge=1, le=50, description="How many skills to rank per text.")
    taxonomy: Taxonomy = "all"


class LinkResult(BaseModel):
    text: str
    results: list[LinkedSkill]


class LinkSkillsOutput(BaseModel):
    links: list[LinkResult]


@registry.tool(permission=Permission.SKILLS_READ)
async def link_skills(args: LinkSkillsInput, ctx: ToolContext) -> LinkSkillsOutput:
    """Rank the taxonomy skills that each text (a sentence or a phrase) talks about."""
    texts = [t[:2000] for t in args.texts]
    ranked = await hybrid.link_skills(ctx.conn, ctx.embedder, texts, taxonomy=args.taxonomy, top_k=args.top_k)
    return LinkSkillsOutput(links=[LinkResult(text=t, results=r) for t, r in zip(texts, ranked, strict=True)])
