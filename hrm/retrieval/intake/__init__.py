"""Document intake for skills inference: CVs (PDF, Word, text, Markdown), GitHub profiles (JSON),
LinkedIn data exports (ZIP or CSV), project records and performance reviews, turned into one
normalised text each.

The text is what every downstream offset refers to. Text a reader cannot see (white, tiny,
invisible or hidden) is removed and reported in ``Document.warnings``: it is how CVs smuggle
keywords and instructions past a human reviewer. Bad uploads raise ``InvalidInput`` with a
sentence that names the file and can be shown to the user.
"""

from hrm.retrieval.intake.document import SOURCES, Document
from hrm.retrieval.intake.limits import MAX_BYTES
from hrm.retrieval.intake.reader import read_document, read_path

__all__ = ["MAX_BYTES", "SOURCES", "Document", "read_document", "read_path"]
