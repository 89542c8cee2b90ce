"""ZIP uploads: a Word document (it holds ``word/document.xml``) or a LinkedIn data export (it holds
some of Profile.csv, Positions.csv, Skills.csv, Education.csv, Certifications.csv)."""

import io
import zipfile
from typing import Literal

from hrm.core.errors import InvalidInput
from hrm.retrieval.intake import limits, linkedin
from hrm.retrieval.intake.text import SUPPORTED_HINT

# Other ZIP-based formats, named so the message says what was received.
_OTHERS = (
    ("xl/workbook.xml", "an Excel workbook"),
    ("ppt/presentation.xml", "a PowerPoint presentation"),
    ("content.xml", "an OpenDocument file; save it as .docx or PDF"),
)


def _damaged(name: str) -> InvalidInput:
    return InvalidInput(f"{name} is a damaged ZIP archive and cannot be read.")


def open_zip(data: bytes, name: str) -> zipfile.ZipFile:
    """The archive, once its size when unpacked and its member count are known to be sane."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise _damaged(name) from None
    if len(members) > limits.MAX_MEMBERS or sum(m.file_size for m in members) > limits.MAX_UNPACKED_BYTES:
        unpacked = limits.megabytes(limits.MAX_UNPACKED_BYTES)
        raise InvalidInput(f"{name} unpacks to more than {unpacked}; upload a smaller file.")
    if any(m.flag_bits & 0x1 for m in members):
        raise InvalidInput(f"{name} is password protected; upload a copy without a password.")
    return archive


def kind(archive: zipfile.ZipFile, name: str) -> Literal["docx", "linkedin"]:
    names = set(archive.namelist())
    # Word names its main part word/document.xml; a few generators pick another name under word/.
    if "word/document.xml" in names or ("[Content_Types].xml" in names and any(n.startswith("word/") for n in names)):
        return "docx"
    if any(linkedin.file_kind(member) for member in names):
        return "linkedin"
    what = next(
        (what for marker, what in _OTHERS if marker in names), "a ZIP archive that is not a LinkedIn data export"
    )
    raise InvalidInput(f"{name} is {what}, which is not supported; {SUPPORTED_HINT}")


def linkedin_files(archive: zipfile.ZipFile, name: str) -> dict[str, list[linkedin.Row]]:
    """The rows of each export file the archive holds, by kind; the shallowest copy wins."""
    found: dict[str, list[linkedin.Row]] = {}
    for member in sorted(archive.namelist(), key=lambda path: (path.count("/"), path)):
        file_kind = linkedin.file_kind(member)
        if file_kind is None or file_kind in found:
            continue
        try:
            text = archive.read(member).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInput(f"{member} in {name} is not UTF-8 text.") from None
        except (zipfile.BadZipFile, ValueError, OSError, EOFError):
            raise _damaged(name) from None
        rows = linkedin.rows(text, file_kind, f"{member} in {name}")
        if rows is None:
            column = linkedin.FILES[file_kind]
            raise InvalidInput(f"{member} in {name} has no {column!r} column; it is not a LinkedIn export file.")
        found[file_kind] = rows
    return found
