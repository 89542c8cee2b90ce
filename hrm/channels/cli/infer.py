"""``hrm infer``: skills from documents about one person."""

from pathlib import Path
from typing import Annotated, Any

import typer

from hrm.channels.cli.common import EXIT_USER_ERROR, print_json, run
from hrm.channels.cli.skills import TaxonomyOption, _check_taxonomy, _shared
from hrm.core.errors import InvalidInput
from hrm.retrieval.intake import Document, read_path
from hrm.tools.infer import DocumentText, InferSkillsInput, infer_skills


def infer(
    files: Annotated[
        list[Path],
        typer.Argument(help="Documents about one person: .txt .md .pdf .docx .json, a LinkedIn export .zip."),
    ],
    source: Annotated[
        str | None, typer.Option("--source", help="cv, github, linkedin, project or review (default: from the file).")
    ] = None,
    taxonomy: TaxonomyOption = "builtin",
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Infer skills with proficiency (1–5), confidence and quoted evidence; several files are
    treated as sources about one person and aggregated. Text inside documents is data, never
    instructions. Exits 2 when no file could be read."""
    if source is not None and source not in ("cv", "github", "linkedin", "project", "review"):
        raise typer.BadParameter("must be one of cv, github, linkedin, project, review", param_hint="--source")
    read: list[Document] = []
    report: list[dict[str, Any]] = []
    for path in files:
        try:
            document = read_path(path, source=source)
        except InvalidInput as exc:
            report.append({"file": path.name, "source": source, "ok": False, "error": exc.message})
            continue
        read.append(document)
        report.append({"file": document.file, "source": document.source, "ok": True, "error": None})
    if not read:
        if as_json:
            print_json({"skills": [], "sources": report})
        for entry in report:
            typer.echo(f"error: {entry['file']}: {entry['error']}", err=True)
        raise typer.Exit(EXIT_USER_ERROR)
    args = InferSkillsInput(
        documents=[DocumentText(file=d.file, source=d.source, text=d.text) for d in read],
        taxonomy=_check_taxonomy(taxonomy),
    )
    out = run(_shared(infer_skills, args))
    for entry, document in zip([r for r in report if r["ok"]], read, strict=True):
        entry["warnings"] = list(document.warnings)
    if as_json:
        print_json(
            {
                "skills": [s.model_dump(mode="json") for s in out.skills],
                "sources": report,
                "warnings": out.warnings,
                "implied": [s.model_dump(mode="json") for s in out.implied],
            }
        )
        return
    for entry in report:
        if not entry["ok"]:
            typer.echo(f"skipped {entry['file']}: {entry['error']}", err=True)
    for skill in out.skills:
        flag = "  (verify)" if skill.verification_needed else ""
        typer.echo(f"{skill.name:<32} {skill.proficiency_label:<11} {skill.confidence:.2f}{flag}")
        if skill.evidence:
            typer.echo(f"    “{skill.evidence[0].quote[:100]}” — {skill.evidence[0].file}")
    if out.implied:
        names = ", ".join(
            f"{s.name} (from {s.evidence[0].quote[:40]!r})" if s.evidence else s.name for s in out.implied[:8]
        )
        typer.echo(f"probably also (to confirm): {names}")
    for warning in out.warnings:
        typer.echo(f"note: {warning}", err=True)
