"""Word (.docx) text: the header, then paragraphs, table cells and text boxes in document order;
headings as lines of their own after a blank line, list items marked "- ".

Runs a reader cannot see are left out, as in PDFs: hidden (``w:vanish``), under 2 pt, or white where
no shading lies beneath. Formatting is read from the run, its character style and the paragraph
style; colours a theme overrides at render time are read as Word stored them.
"""

import io
from collections.abc import Iterator
from dataclasses import dataclass, field

import docx as python_docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.parts.document import DocumentPart
from docx.shared import Length, Pt, RGBColor
from docx.styles.style import CharacterStyle
from docx.table import Table
from docx.text.font import Font
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from docx.types import ProvidesStoryPart

from hrm.core.errors import InvalidInput

MIN_VISIBLE = Pt(2)
NEAR_WHITE = 240  # every RGB component at least this

_P, _TBL, _SDT, _CUSTOM_XML = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:customXml")
_SDT_CONTENT, _TXBX, _R, _BODY = qn("w:sdtContent"), qn("w:txbxContent"), qn("w:r"), qn("w:body")
# Text that is not the document's current text: tracked deletions and moves, and the VML copy
# Word keeps of every text box for old readers (the same text twice).
_SKIPPED = {qn("w:del"), qn("w:moveFrom"), "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}
_SHADING = (qn("w:pPr"), qn("w:tcPr"), qn("w:rPr"))
_SHD, _FILL = qn("w:shd"), qn("w:fill")
_REASONS = {"vanish": "hidden text", "tiny": "text under 2 pt", "white": "white text"}


@dataclass(frozen=True)
class _Format:
    """The formatting a run takes from a style chain (None: not set there)."""

    hidden: bool | None = None
    size: Length | None = None
    color: RGBColor | None = None
    color_set: bool = False

    @staticmethod
    def of(fonts: list[Font]) -> "_Format":
        hidden = next((font.hidden for font in fonts if font.hidden is not None), None)
        size = next((font.size for font in fonts if font.size is not None), None)
        colored = next((font for font in fonts if font.color.type is not None), None)
        return _Format(hidden, size, colored.color.rgb if colored else None, colored is not None)

    def over(self, base: "_Format") -> "_Format":
        return _Format(
            self.hidden if self.hidden is not None else base.hidden,
            self.size if self.size is not None else base.size,
            self.color if self.color_set else base.color,
            self.color_set or base.color_set,
        )


class _Styles:
    """Style chains resolved once: python-docx looks a style up by scanning all of them."""

    def __init__(self, part: DocumentPart) -> None:
        self._part = part
        self._formats: dict[tuple[str | None, WD_STYLE_TYPE], _Format] = {}
        self._names: dict[str | None, str] = {}

    def format(self, style_id: str | None, kind: WD_STYLE_TYPE) -> _Format:
        key = (style_id, kind)
        if key not in self._formats:
            style = self._part.get_style(style_id, kind)
            fonts: list[Font] = []
            for _ in range(10):  # a chain that loops back on itself is not followed forever
                if not isinstance(style, CharacterStyle):  # paragraph styles are character styles too
                    break
                fonts.append(style.font)
                style = style.base_style
            self._formats[key] = _Format.of(fonts)
        return self._formats[key]

    def paragraph_name(self, style_id: str | None) -> str:
        if style_id not in self._names:
            self._names[style_id] = self._part.get_style(style_id, WD_STYLE_TYPE.PARAGRAPH).name or ""
        return self._names[style_id]


@dataclass
class _Out:
    styles: _Styles
    lines: list[str] = field(default_factory=list)
    dropped: set[str] = field(default_factory=set)

    def blank(self) -> None:
        if self.lines and self.lines[-1]:
            self.lines.append("")

    def inner(self) -> "_Out":
        return _Out(self.styles, dropped=self.dropped)


def _shaded(run: Run) -> bool:
    """Whether something not white lies behind the run: run, paragraph or cell shading, a highlight."""
    if run.font.highlight_color is not None:
        return True
    element = run._r
    while element is not None and element.tag != _BODY:
        for tag in _SHADING:
            shading = element.find(f"{tag}/{_SHD}")
            if shading is not None and shading.get(_FILL, "auto").lower() not in ("auto", "ffffff", ""):
                return True
        element = element.getparent()
    return False


def _hidden(run: Run, paragraph: Paragraph, styles: _Styles) -> str | None:
    inherited = styles.format(run._r.style, WD_STYLE_TYPE.CHARACTER).over(
        styles.format(paragraph._p.style, WD_STYLE_TYPE.PARAGRAPH)
    )
    effective = _Format.of([run.font]).over(inherited)
    if effective.hidden:
        return "vanish"
    if effective.size is not None and effective.size < MIN_VISIBLE:
        return "tiny"
    if effective.color is not None and min(effective.color) >= NEAR_WHITE and not _shaded(run):
        return "white"
    return None


def _runs(paragraph: Paragraph) -> Iterator[Run]:
    """Every run of the paragraph, also inside hyperlinks, fields, content controls and insertions,
    but not inside text boxes (read after the paragraph) or deleted text."""
    stack = list(reversed(paragraph._p))
    while stack:
        element = stack.pop()
        if element.tag == _R:
            yield Run(element, paragraph)
        elif element.tag not in _SKIPPED and element.tag != _TXBX:
            stack.extend(reversed(element))


def _text_boxes(paragraph: Paragraph) -> Iterator[BaseOxmlElement]:
    for box in paragraph._p.iter(_TXBX):
        ancestor = box.getparent()
        while ancestor is not paragraph._p and ancestor.tag not in _SKIPPED | {_TXBX}:
            ancestor = ancestor.getparent()
        if ancestor is paragraph._p:  # not the VML copy, nor a box nested in a box (read with it)
            yield box


def _paragraph(paragraph: Paragraph, out: _Out) -> None:
    parts: list[str] = []
    for run in _runs(paragraph):
        text = run.text
        if not text.strip() or (reason := _hidden(run, paragraph, out.styles)) is None:
            parts.append(text)
        else:
            out.dropped.add(reason)
    text = "".join(parts).strip()
    style = out.styles.paragraph_name(paragraph._p.style)
    properties = paragraph._p.pPr
    if not text:
        out.blank()  # an empty paragraph is how Word users space blocks apart
    elif style.startswith("Heading") or style in ("Title", "Subtitle"):
        out.blank()
        out.lines.append(text)
    elif "List" in style or (properties is not None and properties.numPr is not None):
        out.lines.append(f"- {text}")
    else:
        out.lines.append(text)
    for box in _text_boxes(paragraph):
        out.blank()
        _blocks(box, paragraph, out)
        out.blank()


def _cell(cell: BaseOxmlElement, table: Table, out: _Out) -> list[str]:
    inner = out.inner()
    _blocks(cell, table, inner)
    while inner.lines and not inner.lines[-1]:
        inner.lines.pop()
    return inner.lines


def _table(table: Table, out: _Out) -> None:
    out.blank()
    for row in table._tbl.tr_lst:
        cells = [lines for lines in (_cell(tc, table, out) for tc in row.tc_lst) if lines]
        if all(len(lines) == 1 for lines in cells):
            # A row of short cells is a row of a table: "Python | Expert" keeps the pair together.
            if cells:
                out.lines.append(" | ".join(lines[0] for lines in cells))
            continue
        for lines in cells:  # a layout table: each cell is a block (a date column, a text column)
            out.lines.extend(lines)
            out.blank()
    out.blank()


def _blocks(container: BaseOxmlElement, parent: ProvidesStoryPart, out: _Out) -> None:
    """Paragraphs and tables of a body, cell, text box or content control, in order."""
    for element in container:
        if element.tag == _P:
            _paragraph(Paragraph(element, parent), out)
        elif element.tag == _TBL:
            _table(Table(element, parent), out)
        elif element.tag in (_SDT, _CUSTOM_XML):
            content = element.find(_SDT_CONTENT) if element.tag == _SDT else element
            if content is not None:
                _blocks(content, parent, out)


def extract(data: bytes, name: str) -> tuple[str, list[str]]:
    """The text of the Word document, and warnings about what was left out."""
    # python-docx raises whatever the damaged part triggers (KeyError, XMLSyntaxError, ValueError…).
    try:
        document = python_docx.Document(io.BytesIO(data))
        out = _Out(_Styles(document.part))
        seen: set[str] = set()
        for section in document.sections:
            if section.header.is_linked_to_previous:  # no header of its own (reading one would add it)
                continue
            header = out.inner()
            _blocks(section.header._element, section.header, header)
            text = "\n".join(header.lines).strip()
            if text and text not in seen:  # the name and contact line many CVs keep in the header
                seen.add(text)
                out.lines.extend([*header.lines, ""])
        _blocks(document.element.body, document, out)
    except InvalidInput:
        raise
    except Exception:
        raise InvalidInput(
            f"{name} is a damaged Word document and cannot be read; save it again and upload it."
        ) from None
    warnings = []
    if out.dropped:
        reasons = ", ".join(said for reason, said in _REASONS.items() if reason in out.dropped)
        warnings.append(f"hidden text removed ({reasons})")
    return "\n".join(out.lines), warnings
