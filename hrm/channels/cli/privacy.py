"""``hrm audit``, ``hrm retention run`` and ``hrm privacy export|erase|consent``."""

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from hrm.channels.cli.common import fail, load_settings, print_json, run
from hrm.channels.runtime import open_database, open_runtime
from hrm.core.identity import principal_by_email, resolve_org
from hrm.tools import consent, oversight, privacy, retention
from hrm.tools.registry import registry

OrgOption = Annotated[str, typer.Option("--org", help="Organisation slug, e.g. demo.")]
AsOption = Annotated[str, typer.Option("--as", help="Email of the person you are acting as.")]
PersonOption = Annotated[
    str | None, typer.Option("--person", help="Someone else (email, name or id): HR and admins, on their request.")
]

privacy_app = typer.Typer(help="Personal data: export, erasure and consent.", no_args_is_help=True)
retention_app = typer.Typer(help="Document retention (HRM_RETENTION_DAYS, default 365).", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add these commands to the ``hrm`` command."""
    app.command("audit")(audit)
    app.add_typer(retention_app, name="retention")
    app.add_typer(privacy_app, name="privacy")


async def _call(org_slug: str, email: str, tool: str, args: dict[str, Any]) -> dict[str, Any]:
    async with open_runtime(load_settings()) as rt:
        principal = await principal_by_email(rt.db, org_slug, email)
        out = await registry.call(tool, args, principal, rt.deps, channel="cli")
    dumped: dict[str, Any] = out.model_dump(mode="json")
    return dumped


def audit(
    org_slug: OrgOption,
    email: AsOption,
    person: Annotated[str | None, typer.Option("--person", help="Calls by this person, or a pseudonym.")] = None,
    tool: Annotated[str | None, typer.Option("--tool", help="Calls of this tool.")] = None,
    since: Annotated[datetime | None, typer.Option("--since", help="From this time (ISO 8601).")] = None,
    until: Annotated[datetime | None, typer.Option("--until", help="Before this time (ISO 8601).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="At most this many rows.")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help='Print {"entries": [...], "total": N}.')] = False,
) -> None:
    """The audit log, newest first: who called which tool with which arguments (admins only)."""
    args = {"person": person, "tool": tool, "since": since, "until": until, "limit": limit}
    out = run(_call(org_slug, email, oversight.query_audit.__name__, args))
    if as_json:
        print_json(out)
        return
    for e in out["entries"]:
        status = "ok" if e["ok"] else e["error_code"]
        typer.echo(f"{e['at']}  {e['actor'] or '-'} ({e['actor_role']}, {e['channel']})  {e['tool']}  {status}")
    typer.echo(f"{len(out['entries'])} of {out['total']} matching calls")


@retention_app.command("run")
def retention_run(
    org_slug: Annotated[str | None, typer.Option("--org", help="Only this organisation (default: all).")] = None,
    days: Annotated[int | None, typer.Option("--days", min=1, help="Override HRM_RETENTION_DAYS.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count, do not delete.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print {results: [...]}.")] = False,
) -> None:
    """Delete documents (and the evidence quoting them) older than the retention period."""
    settings = load_settings()

    async def go() -> list[retention.OrgRetention]:
        async with open_database(settings) as db:
            org = await resolve_org(db, org_slug) if org_slug else None
            return await retention.run_retention(db, datetime.now().astimezone(), days=days, org=org, dry_run=dry_run)

    results = run(go())
    if as_json:
        print_json({"results": [r.model_dump(mode="json") for r in results]})
        return
    verb = "would delete" if dry_run else "deleted"
    for r in results:
        typer.echo(f"{r.org}: {verb} {r.documents_deleted} documents, {r.evidence_deleted} evidence quotes")


@privacy_app.command("export")
def export(
    org_slug: OrgOption,
    email: AsOption,
    person: PersonOption = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the JSON here.")] = None,
) -> None:
    """Everything held about you (or, for HR, the named person) as JSON."""
    out = run(_call(org_slug, email, privacy.export_my_data.__name__, {"person": person}))
    if output is None:
        print_json(out)
        return

    output.write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")
    typer.echo(f"wrote {output}")


@privacy_app.command("erase")
def erase(
    org_slug: OrgOption,
    email: AsOption,
    person: PersonOption = None,
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: erasure is permanent.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print what was removed as JSON.")] = False,
) -> None:
    """Permanently erase everything held about you (or, for HR, the named person); audit rows stay,
    pseudonymised."""
    if not yes:
        fail("erasure is permanent and cannot be undone; add --yes to confirm")
    out = run(_call(org_slug, email, privacy.erase_my_data.__name__, {"person": person, "confirm": True}))
    if as_json:
        print_json(out)
        return
    removed = ", ".join(f"{n} {kind}" for kind, n in out["deleted"].items() if n)
    typer.echo(f"erased: {removed}; {out['audit_rows_pseudonymised']} audit rows now read {out['pseudonym']}")


@privacy_app.command("consent")
def consent_command(
    org_slug: OrgOption,
    email: AsOption,
    source: Annotated[
        str | None, typer.Option("--source", help="cv, github, linkedin, project or review; omit to list.")
    ] = None,
    grant: Annotated[bool | None, typer.Option("--grant/--withdraw", help="Allow or withdraw its use.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Show your consents per data source, or grant or withdraw one."""
    if source is None:
        out = run(_call(org_slug, email, consent.list_consents.__name__, {}))
    elif grant is None:
        fail("say --grant or --withdraw with --source")
    else:
        out = run(_call(org_slug, email, consent.set_consent.__name__, {"source": source, "granted": grant}))
    if as_json:
        print_json(out)
        return
    for c in out["consents"]:
        state = "granted" if c["granted"] else "not granted"
        typer.echo(f"{c['source']:<9} {state}" + (f" ({c['method']}, {c['updated_at']})" if c["method"] else ""))
    if out.get("documents_deleted"):
        typer.echo(f"{out['documents_deleted']} documents from that source were deleted")
