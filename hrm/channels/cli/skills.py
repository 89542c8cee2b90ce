"""``hrm skills``, ``hrm roles`` and ``hrm taxonomy``: the shared taxonomy from the command line."""

import json
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar
from uuid import UUID

import typer
from pydantic import BaseModel

from hrm.channels.cli.common import fail, load_settings, print_json, run
from hrm.channels.cli.progress import progress_bars
from hrm.channels.runtime import open_database
from hrm.core.db import Database
from hrm.core.principals import AppRole, Principal
from hrm.retrieval.embed_store import embed_missing
from hrm.retrieval.embeddings import embedder_for
from hrm.retrieval.taxonomy_stats import taxonomy_stats
from hrm.tools.context import Deps, ToolContext
from hrm.tools.roles import NormalizeTitleInput, normalize_title
from hrm.tools.skills import LinkSkillsInput, SearchSkillsInput, link_skills, search_skills

app = typer.Typer(help="Search the skills taxonomy and link text to skills.", no_args_is_help=True)
roles_app = typer.Typer(help="Roles and occupations: normalise job titles.", no_args_is_help=True)
taxonomy_app = typer.Typer(help="The skills taxonomy: import ESCO and O*NET, statistics.", no_args_is_help=True)
import_app = typer.Typer(
    help="Import an official taxonomy (idempotent; embeddings cached by text).", no_args_is_help=True
)
taxonomy_app.add_typer(import_app, name="import")

TaxonomyOption = Annotated[str, typer.Option("--taxonomy", help="Which taxonomy to rank: esco, builtin, onet or all.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]

# Taxonomy commands read only the shared reference data, so they run outside any organisation.
_NOBODY = Principal(
    org_id=UUID(int=0), org_slug="-", person_id=UUID(int=0), email="-", display_name="cli", role=AppRole.EMPLOYEE
)
Out = TypeVar("Out", bound=BaseModel)
BATCH = 256


async def _shared_many(fn: Callable[[Any, ToolContext], Awaitable[Out]], batches: list[BaseModel]) -> list[Out]:
    """Run a taxonomy tool once per batch with one pool and one embedder (one model load)."""
    settings = load_settings()
    async with open_database(settings) as db:
        deps = Deps(db, settings, embedder_for(settings.embedder))
        outputs = []
        for args in batches:
            async with db.org_tx(None) as conn:
                outputs.append(await fn(args, ToolContext(_NOBODY, conn, deps, "cli")))
        return outputs


async def _shared(fn: Callable[[Any, ToolContext], Awaitable[Out]], args: BaseModel) -> Out:
    return (await _shared_many(fn, [args]))[0]


def _check_taxonomy(value: str) -> Literal["all", "builtin", "esco", "onet", "org"]:
    if value not in ("all", "builtin", "esco", "onet"):
        fail(f"--taxonomy must be one of esco, builtin, onet, all (got {value!r})")
    return value  # type: ignore[return-value]


def read_jsonl(path: Path, *, keys: tuple[str, ...]) -> list[tuple[Any, str]]:
    """(id, text) per line; every bad line is reported by number before anything runs."""
    if not path.is_file():
        fail(f"input file {path} does not exist")
    items: list[tuple[Any, str]] = []
    problems: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"line {number}: not JSON ({exc.msg})")
            continue
        text = next((record[k] for k in keys if isinstance(record, dict) and isinstance(record.get(k), str)), None)
        if not text or not text.strip():
            problems.append(f"line {number}: needs a non-empty string field {' or '.join(repr(k) for k in keys)}")
            continue
        items.append((record.get("id", number), text))
    if problems:
        fail(f"{path}: " + "; ".join(problems[:20]) + (f"; … {len(problems) - 20} more" if len(problems) > 20 else ""))
    if not items:
        fail(f"{path} has no records")
    return items


def _inputs(text: str | None, input_file: Path | None, keys: tuple[str, ...]) -> list[tuple[Any, str]] | None:
    if (text is None) == (input_file is None):
        fail("give either a TEXT argument or --input F.jsonl")
    return read_jsonl(input_file, keys=keys) if input_file else None


@app.command("search")
def search(
    query: Annotated[str, typer.Argument(help="A skill name, alias, keywords, a description or a misspelling.")],
    limit: Annotated[int, typer.Option("--limit", help="How many results.")] = 10,
    taxonomy: TaxonomyOption = "all",
    as_json: JsonOption = False,
) -> None:
    """Search skills: exact names and aliases first, then full text, meaning and typos."""
    args = SearchSkillsInput(query=query, limit=limit, taxonomy=_check_taxonomy(taxonomy))
    out = run(_shared(search_skills, args))
    if as_json:
        print_json(out.model_dump(mode="json"))
        return
    if not out.results:
        typer.echo(f"no skill matches {query!r}")
    for r in out.results:
        typer.echo(f"{r.score:5.2f}  {r.name}  [{r.type}, {r.cluster or r.source}]  ({r.match}: {r.matched_text})")


@app.command("link")
def link(
    text: Annotated[
        str | None, typer.Argument(help="A sentence or phrase, e.g. 'built Kubernetes operators in Go'.")
    ] = None,
    input_file: Annotated[
        Path | None, typer.Option("--input", help='JSONL, one {"id", "text"} per line; one model load for all.')
    ] = None,
    top: Annotated[int, typer.Option("--top", help="Skills per text.")] = 10,
    taxonomy: TaxonomyOption = "all",
    as_json: JsonOption = False,
) -> None:
    """Rank taxonomy skills for a text, or for every line of a JSONL file.

    With --json: {"results": [{"skill_id", "name", "score"}]} for TEXT, and one such object with its
    "id" per input line for --input.
    """
    batch = _inputs(text, input_file, ("text",))
    items = batch or [(None, text or "")]
    tax = _check_taxonomy(taxonomy)
    started = time.perf_counter()
    chunks = [items[i : i + BATCH] for i in range(0, len(items), BATCH)]
    outputs = run(
        _shared_many(link_skills, [LinkSkillsInput(texts=[t for _, t in c], top_k=top, taxonomy=tax) for c in chunks])
    )
    for chunk, out in zip(chunks, outputs, strict=True):
        for (ident, _), linked in zip(chunk, out.links, strict=True):
            results = [{"skill_id": r.skill_id, "name": r.name, "score": r.score} for r in linked.results]
            _emit(ident if batch else None, results, as_json, lambda r: f"{r['name']} ({r['score']:.2f})")
    if batch and not as_json:
        elapsed = time.perf_counter() - started
        typer.echo(f"{len(items)} texts in {elapsed:.1f}s ({len(items) / elapsed:.1f}/s)", err=True)


@roles_app.command("normalize")
def normalize(
    title: Annotated[str | None, typer.Argument(help="A job title, e.g. 'Sr. Data Eng'.")] = None,
    input_file: Annotated[
        Path | None, typer.Option("--input", help='JSONL, one {"id", "text"} (or "title") per line.')
    ] = None,
    top: Annotated[int, typer.Option("--top", help="Roles per title.")] = 5,
    taxonomy: TaxonomyOption = "all",
    as_json: JsonOption = False,
) -> None:
    """Rank roles and occupations for a job title, or for every line of a JSONL file.

    With --json: {"results": [{"role_id", "title", "score", "external_id"}]}, one per input line
    (with its "id") for --input.
    """
    batch = _inputs(title, input_file, ("text", "title"))
    items = batch or [(None, title or "")]
    tax = _check_taxonomy(taxonomy)
    chunks = [items[i : i + BATCH] for i in range(0, len(items), BATCH)]
    outputs = run(
        _shared_many(
            normalize_title, [NormalizeTitleInput(titles=[t for _, t in c], top_k=top, taxonomy=tax) for c in chunks]
        )
    )
    for chunk, out in zip(chunks, outputs, strict=True):
        for (ident, _), ranked in zip(chunk, out.titles, strict=True):
            results = [
                {
                    "role_id": r.role_id,
                    "title": r.title,
                    "score": r.score,
                    "external_id": r.external_id,
                    "source": r.source,
                }
                for r in ranked.results
            ]
            _emit(
                ident if batch else None, results, as_json, lambda r: f"{r['title']} [{r['source']}] ({r['score']:.2f})"
            )


def _emit(ident: Any, results: list[dict[str, Any]], as_json: bool, describe: Callable[[dict[str, Any]], str]) -> None:
    """One line per input: JSON with its id in batch mode, or a readable list."""
    if as_json:
        print_json({"results": results} if ident is None else {"id": ident, "results": results})
    else:
        typer.echo(("" if ident is None else f"{ident}: ") + "; ".join(describe(r) for r in results))


@taxonomy_app.command("stats")
def stats(as_json: JsonOption = False) -> None:
    """Counts of skills, aliases, roles, relations and transitions by source."""
    settings = load_settings()
    with Database.from_settings(settings).owner_connect() as conn:
        result = taxonomy_stats(conn)
    if as_json:
        print_json(result)
        return
    skills, roles = result["skills"], result["roles"]
    typer.echo(f"skills: {skills['total']} {skills['by_source']}")
    typer.echo(f"roles: {roles['total']} {roles['by_source']}")
    typer.echo(f"aliases: {result['aliases']}, relations: {result['relations']}, transitions: {result['transitions']}")


def _import(kind: str, directory: Path, importer: Callable[..., dict[str, int]]) -> None:
    if not directory.is_dir():
        fail(f"{directory} is not a folder (expected the official {kind} files)")
    settings = load_settings()
    db = Database.from_settings(settings)
    started = time.perf_counter()
    with db.owner_connect() as conn, progress_bars() as progress:
        counts = importer(conn, directory, progress=progress)
        loaded = time.perf_counter()
        embedded = embed_missing(conn, embedder_for(settings.embedder), progress=progress)
    done = time.perf_counter()
    typer.echo(f"{kind}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    typer.echo(
        f"loaded in {loaded - started:.1f}s; embedded {sum(embedded.values())} new texts in {done - loaded:.1f}s "
        f"(cached texts are not embedded again)"
    )


@import_app.command("esco")
def import_esco_command(
    directory: Annotated[Path, typer.Argument(help="Folder of the official ESCO CSV set (English), e.g. esco-v1.1.1.")],
) -> None:
    """Import ESCO: skills with labels, occupations, occupation–skill and skill–skill relations, hierarchy."""
    from hrm.retrieval.importers.esco import import_esco

    run_sync(lambda: _import("ESCO", directory, import_esco))


@import_app.command("onet")
def import_onet_command(
    directory: Annotated[Path, typer.Argument(help="Folder of the O*NET text files, e.g. onet-29.3.")],
) -> None:
    """Import O*NET: occupations and titles, technology skills, skills and knowledge, related occupations."""
    from hrm.retrieval.importers.onet import import_onet

    run_sync(lambda: _import("O*NET", directory, import_onet))


@import_app.command("career-changers")
def import_career_changers_command(
    matrix: Annotated[Path, typer.Argument(help="O*NET's career changers matrix (tab-separated), after O*NET itself.")],
    crosswalk: Annotated[
        Path | None,
        typer.Option("--crosswalk", help="SOC 2010 → 2019 crosswalk CSV for older codes (default: beside the matrix)."),
    ] = None,
) -> None:
    """Add O*NET's career-changers pairs (occupations people actually move between) as career-path
    transitions. Import O*NET first; re-running replaces the previous import."""
    from hrm.retrieval.importers.career_changers import import_career_changers

    if not matrix.is_file():
        fail(f"{matrix} is not a file (expected the career changers matrix)")
    settings = load_settings()
    db = Database.from_settings(settings)

    def work() -> None:
        with db.owner_connect() as conn, progress_bars() as progress:
            counts = import_career_changers(conn, matrix, crosswalk=crosswalk, progress=progress)
        typer.echo("career changers: " + ", ".join(f"{v} {k}" for k, v in counts.items()))

    run_sync(work)


def run_sync(work: Callable[[], None]) -> None:
    async def wrapper() -> None:
        work()

    run(wrapper())
