"""One entry point for every upload: size and type checks, the extractor for the type, the source."""

import hashlib
import re
from pathlib import Path
from typing import NamedTuple

from hrm.core.errors import InvalidInput
from hrm.retrieval.intake import archive, docx, github, limits, linkedin, pdf, records
from hrm.retrieval.intake import document as media
from hrm.retrieval.intake.document import SOURCES, Document
from hrm.retrieval.intake.sniff import Sniffed, claimed_type, extension, sniff
from hrm.retrieval.intake.text import normalise

_MAX_NAME = 200
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_DESCRIBED = {
    media.PDF: "a PDF",
    media.DOCX: "a Word document",
    media.JSON: "JSON",
    media.CSV: "CSV",
    media.ZIP: "a ZIP archive",
    media.TEXT: "plain text",
    media.MARKDOWN: "plain text",
}


class _Extracted(NamedTuple):
    text: str
    media_type: str
    source: str  # the source the content implies, used when none was given
    warnings: list[str]


def display_name(filename: str) -> str:
    """The file name without folders or control characters, as messages and documents show it."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:_MAX_NAME] or "the file"


def _zip(data: bytes, name: str) -> _Extracted:
    with archive.open_zip(data, name) as opened:
        if archive.kind(opened, name) == "docx":
            text, warnings = docx.extract(data, name)
            return _Extracted(text, media.DOCX, "cv", warnings)
        files = archive.linkedin_files(opened, name)
    return _Extracted(linkedin.render(files), media.ZIP, "linkedin", [])


def _json(found: Sniffed, name: str, source: str | None) -> _Extracted:
    value = found.value
    if source in ("project", "review") and records.is_records(value):
        return _Extracted(records.render(value, source), media.JSON, source, [])
    if github.is_profile(value):
        return _Extracted(github.render(value), media.JSON, "github", [])
    if records.is_records(value):
        return _Extracted(records.render(value, source or "project"), media.JSON, "cv", [])
    if extension(name) != ".json" and source not in ("github", "project", "review"):
        return _text(Sniffed("text", found.text), name)  # text that happens to parse as JSON
    raise InvalidInput(
        f"{name} is JSON, but neither a GitHub profile (an object with user and repos) nor project or review "
        "records (objects with title, description, role, skills, start, end)."
    )


def _text(found: Sniffed, name: str) -> _Extracted:
    if (kind := linkedin.csv_kind(found.text, name)) is not None:
        rows = linkedin.rows(found.text, kind, name) or []
        return _Extracted(linkedin.render({kind: rows}), media.CSV, "linkedin", [])
    claimed = claimed_type(name)
    if claimed == media.MARKDOWN:
        # An HTML comment does not show once Markdown is rendered: the same trick as white text.
        text, comments = _HTML_COMMENT.subn("", found.text)
        return _Extracted(text, media.MARKDOWN, "cv", ["hidden text removed (HTML comments)"] if comments else [])
    return _Extracted(found.text, claimed if claimed == media.CSV else media.TEXT, "cv", [])


def read_document(data: bytes, filename: str, *, source: str | None = None) -> Document:
    """The text of an uploaded document, ready for skills inference.

    The type is judged from the bytes (the extension is only a hint). Raises ``InvalidInput`` with a
    sentence naming the file when it is too large, empty, damaged, password protected, without text
    or of an unsupported type."""
    name = display_name(filename)
    if source is not None and source not in SOURCES:
        raise InvalidInput(f"Unknown source {source!r} for {name}; use one of {', '.join(SOURCES)}.")
    if len(data) > limits.MAX_BYTES:
        raise InvalidInput(f"{name} is larger than {limits.megabytes(limits.MAX_BYTES)}; upload a smaller file.")
    if not data.strip():
        raise InvalidInput(f"{name} is empty.")
    found = sniff(data, name)
    if found.kind == "pdf":
        text, warnings = pdf.extract(data, name)
        extracted = _Extracted(text, media.PDF, "cv", warnings)
    elif found.kind == "zip":
        extracted = _zip(data, name)
    elif found.kind == "json":
        extracted = _json(found, name, source)
    else:
        extracted = _text(found, name)
    text = normalise(extracted.text)
    if not text:
        raise InvalidInput(f"{name} contains no text.")
    warnings = list(extracted.warnings)
    claimed = claimed_type(name)
    if claimed is not None and _DESCRIBED[claimed] != _DESCRIBED[extracted.media_type]:
        what = _DESCRIBED[extracted.media_type]
        warnings.append(f"the name ends in {extension(name)} but the file is {what}; it was read as such")
    return Document(
        file=name,
        source=source or extracted.source,
        media_type=extracted.media_type,
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
        warnings=tuple(warnings),
    )


def read_path(path: Path, *, source: str | None = None) -> Document:
    """``read_document`` on a file; reads at most ``MAX_BYTES + 1`` bytes, enough to refuse a larger one."""
    name = display_name(path.name)
    try:
        with path.open("rb") as handle:
            data = handle.read(limits.MAX_BYTES + 1)
    except FileNotFoundError:
        raise InvalidInput(f"{name} does not exist.") from None
    except IsADirectoryError:
        raise InvalidInput(f"{name} is a folder, not a file.") from None
    except PermissionError:
        raise InvalidInput(f"{name} cannot be read: permission denied.") from None
    except OSError as error:
        raise InvalidInput(f"{name} cannot be read: {error.strerror or 'input/output error'}.") from None
    return read_document(data, path.name, source=source)
