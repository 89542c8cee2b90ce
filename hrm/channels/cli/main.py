"""The ``hrm`` command."""

import asyncio
import time
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer

from hrm.channels.cli import bench, infer, org, privacy, skills
from hrm.channels.cli.common import load_settings, print_json, run
from hrm.channels.cli.progress import progress_bars
from hrm.channels.runtime import open_database, open_runtime
from hrm.core.db import Database
from hrm.core.embedded import stop_embedded
from hrm.core.identity import principal_by_email
from hrm.core.tokens import mint
from hrm.retrieval.embeddings import embedder_for
from hrm.tools.setup import init as init_service

app = typer.Typer(
    help="AI-HRM: a skills-intelligence agent for HR.\n\n"
    "Start with `hrm init --demo`, then `hrm chat --org demo --as <email>` with one of the emails it prints.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(org.app, name="org")
app.add_typer(skills.app, name="skills")
app.add_typer(skills.taxonomy_app, name="taxonomy")
app.add_typer(skills.roles_app, name="roles")
app.command("bench")(bench.bench)
app.command("eval")(bench.evaluate)
app.command("infer")(infer.infer)
privacy.register(app)
db_app = typer.Typer(help="The embedded database.", no_args_is_help=True)
app.add_typer(db_app, name="db")

OrgOption = Annotated[str, typer.Option("--org", help="Organisation slug, e.g. demo.")]
AsOption = Annotated[str, typer.Option("--as", help="Email of the person you are acting as.")]


@app.command()
def init(
    demo: Annotated[bool, typer.Option("--demo", help="Also create the demo organisation (slug `demo`).")] = False,
    reset: Annotated[bool, typer.Option("--reset", help="Delete the demo organisation first and rebuild it.")] = False,
) -> None:
    """Start or create the database, apply migrations, load the built-in taxonomy and roles."""
    settings = load_settings()
    started = time.perf_counter()

    async def go() -> None:
        with progress_bars() as progress:
            report = await init_service(
                Database.from_settings(settings),
                embedder_for(settings.embedder),
                demo=demo,
                reset=reset,
                progress=progress,
            )
        applied = ", ".join(report.migrations_applied) or "none pending"
        where = f"embedded, {settings.data_dir}" if settings.database_url is None else "external"
        typer.echo(f"database ready ({where}); migrations: {applied}")
        t = report.taxonomy
        typer.echo(
            f"built-in taxonomy: {t['skills']} skills, {t['aliases']} aliases, {t['roles']} roles, "
            f"{t['transitions']} transitions"
        )
        if report.demo:
            d = report.demo
            typer.echo(
                f"demo organisation 'demo': {d.people_created} people created, {d.people_updated} updated, "
                f"{d.skills_set} skill ratings"
            )
            typer.echo("try, for example:")
            for who, email in report.emails_to_try.items():
                typer.echo(f'  hrm ask --org demo --as {email} "what skills do I have?"   # {who}')
        typer.echo(f"done in {time.perf_counter() - started:.1f}s")

    run(go())


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="What to ask, in your own words.")],
    org_slug: OrgOption,
    email: AsOption,
    conversation: Annotated[
        str | None, typer.Option("--conversation", help="Continue this conversation (created if new).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print {text, tool_calls, data, conversation_id}.")] = False,
) -> None:
    """One chat turn as that person."""
    settings = load_settings()

    async def go() -> None:
        async with open_runtime(settings) as rt:
            principal = await principal_by_email(rt.db, org_slug, email)
            reply = await rt.agent.ask(principal, question, conversation_id=conversation, channel="cli")
        if as_json:
            print_json(reply.to_json())
        else:
            typer.echo(reply.text)

    run(go())


@app.command()
def chat(org_slug: OrgOption, email: AsOption) -> None:
    """An interactive conversation in the terminal (Ctrl-D or `exit` to leave)."""
    settings = load_settings()

    async def go() -> None:
        async with open_runtime(settings) as rt:
            principal = await principal_by_email(rt.db, org_slug, email)
            typer.echo(f"Hi {principal.display_name.split(' ')[0]} — ask me about skills. Type `exit` to leave.")
            conversation: str | None = None
            while True:
                try:
                    # Reading stdin in a thread keeps the event loop (and the pool) alive meanwhile.
                    line = (await asyncio.to_thread(input, "you> ")).strip()
                except EOFError:
                    typer.echo("")
                    return
                if line.lower() in {"exit", "quit", ":q"}:
                    return
                if not line:
                    continue
                reply = await rt.agent.ask(principal, line, conversation_id=conversation, channel="cli")
                conversation = reply.conversation_id
                typer.echo(f"hrm> {reply.text}\n")

    run(go())


@app.command()
def token(
    org_slug: OrgOption, email: AsOption, ttl_minutes: Annotated[int | None, typer.Option(help="Lifetime.")] = None
) -> None:
    """Mint a development bearer token for the REST API; prints the token alone."""
    settings = load_settings()

    async def go() -> str:
        async with open_database(settings) as db:
            principal = await principal_by_email(db, org_slug, email)
        minutes = ttl_minutes or settings.jwt_ttl_minutes
        return mint(settings.resolved_jwt_secret(), principal, timedelta(minutes=minutes))

    typer.echo(run(go()))


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
) -> None:
    """Serve the REST API (/api/v2, /docs) and the Slack endpoint (/slack/events) in one process."""
    import uvicorn

    from hrm.channels.rest.app import create_app

    settings = load_settings()
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


@db_app.command("stop")
def db_stop() -> None:
    """Stop the embedded Postgres (it keeps running between commands so they start fast)."""
    settings = load_settings()
    stopped = stop_embedded(settings.data_dir)
    typer.echo("stopped" if stopped else "the embedded database is not running")


@db_app.command("path")
def db_path() -> None:
    """Print the data folder of the embedded database."""
    typer.echo(str(Path(load_settings().data_dir)))


def main() -> None:
    app()
