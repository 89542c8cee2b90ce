"""What intake hands to skills inference: the text of one document, where it came from, and what
was removed on the way."""

from dataclasses import dataclass

SOURCES = ("cv", "github", "linkedin", "project", "review")

TEXT = "text/plain"
MARKDOWN = "text/markdown"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
JSON = "application/json"
CSV = "text/csv"
ZIP = "application/zip"


@dataclass(frozen=True)
class Document:
    file: str  # the name it was given (no directories)
    source: str  # cv | github | linkedin | project | review
    media_type: str
    text: str  # the extracted text every offset refers to
    sha256: str  # of the raw bytes
    warnings: tuple[str, ...] = ()  # e.g. "hidden text removed from page 2 (white text)"
