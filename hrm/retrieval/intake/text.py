"""Text clean-up shared by every format: one newline convention, no invisible characters, runs of
spaces collapsed, line breaks kept and at most one blank line between blocks, since section detection
downstream reads a heading as a line of its own."""

import re
import unicodedata

from hrm.core.errors import InvalidInput

SUPPORTED_HINT = (
    "upload a PDF, a Word document (.docx), plain text or Markdown, a GitHub profile (JSON), "
    "a LinkedIn data export (.zip or .csv) or project records (JSON)."
)
# PDF fonts often map ligature glyphs to these code points; "ﬁnance" must read as "finance".
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
_BREAKS = str.maketrans({"\r": "\n", "\v": "\n", "\f": "\n\n", "\x85": "\n", "\u2028": "\n", "\u2029": "\n\n"})
# Soft hyphens, zero-width spaces and bidirectional overrides carry no words but can split, hide or
# reverse them. The zero-width (non-)joiners stay: Persian and Indic scripts spell words with them.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def normalise(text: str) -> str:
    """Whitespace normalised, line breaks and single blank lines between blocks kept."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n")).translate(_BREAKS).translate(_LIGATURES)
    text = _CONTROL.sub(" ", _INVISIBLE.sub("", text))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def one_line(text: str) -> str:
    """A field value on one line (a repository description, a CSV cell used in a heading)."""
    return " ".join(normalise(text).split())


def decode_utf8(data: bytes, name: str) -> str:
    """The bytes as UTF-8 text (a byte-order mark is dropped); anything else is refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InvalidInput(f"{name} is UTF-16 text; save it as UTF-8 and upload it again.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"{name} is not UTF-8 text; save it as UTF-8 and upload it again.") from None
    controls = len(_CONTROL.findall(text[:65536]))
    if "\x00" in text or controls > len(text[:65536]) // 100:
        raise InvalidInput(f"{name} is a binary file, not a text document; {SUPPORTED_HINT}")
    return text
