"""What a file is, judged by its bytes; the extension is only a hint (a ".pdf" that is text is text)."""

import json
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal

from hrm.core.errors import InvalidInput
from hrm.retrieval.intake import document as media
from hrm.retrieval.intake.text import SUPPORTED_HINT, decode_utf8

Kind = Literal["pdf", "zip", "json", "text"]

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A password-protected .docx is not a ZIP but an OLE2 file holding this stream (named in UTF-16).
_ENCRYPTED_OOXML = "EncryptedPackage".encode("utf-16-le")
# Formats people upload by mistake, named so the message says what was received.
_FOREIGN = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (_OLE2, "a legacy Office file (.doc); save it as .docx or PDF"),
    (b"{\\rtf", "an RTF document; save it as .docx or PDF"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
)
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_EXTENSION_TYPES = {
    ".pdf": media.PDF,
    ".docx": media.DOCX,
    ".json": media.JSON,
    ".csv": media.CSV,
    ".zip": media.ZIP,
    ".txt": media.TEXT,
    ".md": media.MARKDOWN,
    ".markdown": media.MARKDOWN,
}


@dataclass(frozen=True)
class Sniffed:
    kind: Kind
    text: str = ""  # decoded, for json and text
    value: object = None  # parsed, for json


def extension(name: str) -> str:
    return PurePosixPath(name).suffix.lower()


def claimed_type(name: str) -> str | None:
    """The media type the file name claims, if it names one this intake knows."""
    return _EXTENSION_TYPES.get(extension(name))


def sniff(data: bytes, name: str) -> Sniffed:
    """PDF, ZIP (DOCX or LinkedIn export), JSON or UTF-8 text; anything else is refused."""
    # The PDF header may follow a little junk (mail gateways, some generators); readers accept 1 KB.
    if b"%PDF-" in data[:1024]:
        return Sniffed("pdf")
    if data.startswith(_ZIP_MAGIC):
        return Sniffed("zip")
    if data.startswith(_OLE2) and _ENCRYPTED_OOXML in data:
        raise InvalidInput(f"{name} is password protected; upload a copy without a password.")
    for magic, what in _FOREIGN:
        if data.startswith(magic):
            raise InvalidInput(f"{name} is {what}, which is not supported; {SUPPORTED_HINT}")
    text = decode_utf8(data, name)
    if text.lstrip()[:1] in ("{", "["):
        try:
            return Sniffed("json", text, json.loads(text))
        except (ValueError, RecursionError) as error:
            if extension(name) == ".json":
                raise InvalidInput(f"{name} is not valid JSON ({error}).") from None
    return Sniffed("text", text)
