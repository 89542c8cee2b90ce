"""``hrm org``: organisation import."""

from pathlib import Path
from typing import Annotated

import typer

from hrm.channels.cli.common import fail, load_settings, run
from hrm.channels.runtime import open_database
from hrm.core.db import Database
from hrm.tools.learning import RESOURCES_COLUMNS, import_resources, parse_resources_csv
from hrm.tools.org_import import PEOPLE_COLUMNS, ROLES_COLUMNS, SKILLS_COLUMNS, ImportRejected, import_org

app = typer.Typer(help="Organisations.", no_args_is_help=True)

MAX_CSV_BYTES = 20 * 1024 * 1024


def _read(path: Path | None, label: str) -> str | None:
    if path is None:
        return None
    if not path.is_file():
        fail(f"{label} file {path} does not exist")
    if path.stat().st_size > MAX_CSV_BYTES:
        fail(f"{label} file {path} is larger than {MAX_CSV_BYTES // (1024 * 1024)} MB")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        fail(f"{label} file {path} is not UTF-8 text (save the CSV as UTF-8)")


@app.command("import")
def import_command(
    org_slug: Annotated[str, typer.Option("--org", help="Organisation slug (created if new).")],
    people: Annotated[
        Path | None,
        typer.Option("--people", help="People CSV: " + ",".join(PEOPLE_COLUMNS) + " (required for a new organisation)"),
    ] = None,
    skills: Annotated[Path | None, typer.Option("--skills", help="Skills CSV: " + ",".join(SKILLS_COLUMNS))] = None,
    roles: Annotated[Path | None, typer.Option("--roles", help="Roles CSV: " + ",".join(ROLES_COLUMNS))] = None,
    resources: Annotated[
        Path | None,
        typer.Option("--resources", help="Learning resources CSV: " + ",".join(RESOURCES_COLUMNS)),
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="Display name of the organisation.")] = None,
    create_unknown_skills: Annotated[
        bool, typer.Option("--create-unknown-skills", help="Add unknown skill names as organisation skills.")
    ] = False,
) -> None:
    """Import people, their skills, the organisation's roles and its learning resources.

    Each file is all or nothing: every bad row is reported with its line number and nothing of it
    is written. People, skills and roles go in one transaction; learning resources (suggested by
    gap analysis before the built-in ones) in a second, so a rejected resources file leaves the
    people import in place and can be fixed and re-run alone with --org and --resources.
    Re-importing updates people (by email), roles (by role_code) and resources (by title). Skill
    names match names and aliases of the taxonomy ignoring case, spacing and punctuation.
    """
    settings = load_settings()
    if people is None and resources is None:
        fail("nothing to import: give --people (with --skills, --roles) and/or --resources")
    if people is None and (skills or roles):
        fail("--skills and --roles need --people")
    people_text = _read(people, "people")
    skills_text, roles_text = _read(skills, "skills"), _read(roles, "roles")
    resources_text = _read(resources, "resources")
    if resources_text is not None:
        parsed = parse_resources_csv(resources_text)
        if parsed.errors:  # format errors stop everything before a single row is written
            fail(ImportRejected(parsed.errors).message)

    async def go() -> None:
        async with open_database(settings) as db:
            if people_text is not None:
                await _import_people(db, people_text)
            if resources_text is not None:
                added = await import_resources(db, org_slug, resources_text)
                typer.echo(f"learning resources: {added.created} new / {added.updated} updated")

    async def _import_people(db: Database, people_text: str) -> None:
        report = await import_org(
            db,
            org_slug,
            people_csv=people_text,
            skills_csv=skills_text,
            roles_csv=roles_text,
            name=name,
            create_unknown_skills=create_unknown_skills,
        )
        verb = "created" if report.org_created else "updated"
        typer.echo(
            f"organisation {org_slug!r} {verb}: people {report.people_created} new / {report.people_updated} updated, "
            f"{report.skills_set} skill ratings, roles {report.roles_created} new / {report.roles_updated} updated"
        )
        if report.created_skills:
            typer.echo(f"added {len(report.created_skills)} organisation skill(s): {', '.join(report.created_skills)}")

    run(go())
