"""``hrm skills`` and ``hrm taxonomy``: the skills taxonomy from the command line."""

from typing import Annotated
from uuid import UUID

import typer

from hrm.channels.cli.common import load_settings, print_json, run
from hrm.core.db import Database
from hrm.core.principals import AppRole, Principal
from hrm.retrieval.embeddings import MiniLMEmbedder
from hrm.retrieval.taxonomy_stats import taxonomy_stats
from hrm.tools.context import Deps, ToolContext
from hrm.tools.skills import SearchSkillsInput, search_skills

app = typer.Typer(help="Search the skills taxonomy.", no_args_is_help=True)
taxonomy_app = typer.Typer(
    help="The skills taxonomy: statistics (imports arrive with the taxonomy issue).", no_args_is_help=True
)

# Taxonomy commands read only the shared reference data, so they run outside any organisation.
_NOBODY = Principal(
    org_id=UUID(int=0), org_slug="-", person_id=UUID(int=0), email="-", display_name="cli", role=AppRole.EMPLOYEE
)


@app.command("search")
def search(
    query: Annotated[str, typer.Argument(help="A skill name, alias, keyword or misspelling.")],
    limit: Annotated[int, typer.Option("--limit", help="How many results.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Search the shared skills taxonomy (names, aliases, full text, typos)."""
    settings = load_settings()
    args = SearchSkillsInput(query=query, limit=limit)

    async def go() -> None:
        db = Database.from_settings(settings)
        await db.open()
        try:
            async with db.org_tx(None) as conn:
                out = await search_skills(args, ToolContext(_NOBODY, conn, Deps(db, settings, MiniLMEmbedder()), "cli"))
        finally:
            await db.close()
        if as_json:
            print_json(out.model_dump(mode="json"))
            return
        if not out.results:
            typer.echo(f"no skill matches {query!r}")
        for r in out.results:
            typer.echo(f"{r.score:5.2f}  {r.name}  [{r.type}, {r.cluster or '-'}]  ({r.match}: {r.matched_text})")

    run(go())


@taxonomy_app.command("stats")
def stats(as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False) -> None:
    """Counts of skills, aliases, roles, relations and transitions by source."""
    settings = load_settings()

    def go() -> dict[str, object]:
        db = Database.from_settings(settings)
        with db.owner_connect() as conn:
            return taxonomy_stats(conn)

    result = go()
    if as_json:
        print_json(result)
        return
    skills, roles = result["skills"], result["roles"]
    assert isinstance(skills, dict) and isinstance(roles, dict)
    typer.echo(f"skills: {skills['total']} {skills['by_source']}")
    typer.echo(f"roles: {roles['total']} {roles['by_source']}")
    typer.echo(f"aliases: {result['aliases']}, relations: {result['relations']}, transitions: {result['transitions']}")
