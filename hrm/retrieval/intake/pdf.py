"""PDF text in reading order, without the text a reader cannot see.

Hidden text in a CV is a known trick: white or microscopic keywords to game screening, or
instructions aimed at the model reading it. Characters are dropped before lines are formed when they
are painted white (or near white) where nothing dark lies beneath, are under 2 pt, use an invisible
rendering mode (except the OCR layer of a scanned page, which lies over the page image), or lie
outside the page. Each page that loses text gets a warning.

pdfminer.six parses the page and groups characters into lines; :mod:`layout` orders the lines
(columns one after the other) and splits them into blocks.
"""

import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import (
    LAParams,
    LTChar,
    LTComponent,
    LTContainer,
    LTCurve,
    LTImage,
    LTItem,
    LTPage,
    LTTextBox,
    LTTextLineHorizontal,
)
from pdfminer.pdfcolor import PDFColorSpace
from pdfminer.pdfdevice import PDFTextSeq
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError
from pdfminer.pdffont import PDFFont, PDFUnicodeNotDefined
from pdfminer.pdfinterp import PDFGraphicState, PDFPageInterpreter, PDFResourceManager, PDFTextState
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.utils import Matrix

from hrm.core.errors import InvalidInput
from hrm.retrieval.intake import limits
from hrm.retrieval.intake.layout import Line, blocks, reading_order
from hrm.retrieval.intake.text import normalise

MIN_VISIBLE_SIZE = 2.0  # points
NEAR_WHITE = 0.94  # every RGB component at least this (240 of 255)
_INVISIBLE_MODES = (3, 7)  # Tr 3: neither fill nor stroke; Tr 7: clip only
_STROKED_MODES = (1, 5)  # outline only: the stroke colour is what shows
OCR_LAYER_COVER = 0.5  # share of the page an image must cover for invisible text to be its OCR layer
LAYOUT = LAParams(line_overlap=0.5, char_margin=2.0, line_margin=0.5, word_margin=0.1, boxes_flow=None)

_REASONS = {
    "white": "white or near-white text",
    "tiny": "text under 2 pt",
    "invisible": "invisible text",
    "outside": "text outside the page",
}


class _Char(LTChar):
    """A character that remembers the text rendering mode it was painted with."""

    render_mode = 0


class _Collector(PDFPageAggregator):
    """Characters, shapes and images of a page, not yet grouped (no layout analysis)."""

    def __init__(self, rsrcmgr: PDFResourceManager) -> None:
        super().__init__(rsrcmgr, laparams=None)
        self.render_mode = 0
        self.undefined = 0

    def render_string(
        self, textstate: PDFTextState, seq: PDFTextSeq, ncs: PDFColorSpace, graphicstate: PDFGraphicState
    ) -> None:
        self.render_mode = textstate.render
        super().render_string(textstate, seq, ncs, graphicstate)

    def render_char(
        self,
        matrix: Matrix,
        font: PDFFont,
        fontsize: float,
        scaling: float,
        rise: float,
        cid: int,
        ncs: PDFColorSpace,
        graphicstate: PDFGraphicState,
    ) -> float:
        # As PDFLayoutAnalyzer.render_char, with the rendering mode kept on the character.
        try:
            text = font.to_unichr(cid)
        except PDFUnicodeNotDefined:
            text = self.handle_undefined_char(font, cid)
        item = _Char(
            matrix, font, fontsize, scaling, rise, text, font.char_width(cid), font.char_disp(cid), ncs, graphicstate
        )
        item.render_mode = self.render_mode
        self.cur_item.add(item)
        return item.adv

    def handle_undefined_char(self, font: PDFFont, cid: int) -> str:
        self.undefined += 1
        return "\ufffd"


@dataclass
class _Page:
    chars: list[LTChar]
    backgrounds: list[LTComponent]  # filled shapes that are not white, and images
    images: list[LTComponent]


def _walk(item: LTItem, page: _Page) -> None:
    if isinstance(item, LTChar):
        page.chars.append(item)
    elif isinstance(item, LTImage):
        page.images.append(item)
        page.backgrounds.append(item)
    elif isinstance(item, LTCurve) and item.fill and not _light(item.non_stroking_color, None):
        page.backgrounds.append(item)
    if isinstance(item, LTContainer):  # figures (form XObjects, images) hold page-space items too
        for child in item:
            _walk(child, page)


def _components(color: object) -> tuple[float, ...] | None:
    if isinstance(color, int | float):
        return (float(color),)
    if isinstance(color, tuple) and all(isinstance(c, int | float) for c in color):
        return tuple(float(c) for c in color)
    return None  # a pattern, or something unreadable: not judged


def _light(color: object, space: PDFColorSpace | None) -> bool:
    """Near white in gray, RGB or CMYK; unknown colour spaces (Lab, spot colours) are not judged."""
    values = _components(color)
    name = space.name if space is not None else ""
    if values is None or name in ("Lab", "Separation", "DeviceN", "Indexed", "Pattern"):
        return False
    if len(values) == 1:
        return values[0] >= NEAR_WHITE
    if len(values) == 3:
        return min(values) >= NEAR_WHITE
    if len(values) == 4:
        c, m, y, k = values
        return min((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)) >= NEAR_WHITE
    return False


def _inside(char: LTChar, box: LTComponent) -> bool:
    x, y = (char.x0 + char.x1) / 2, (char.y0 + char.y1) / 2
    return box.x0 <= x <= box.x1 and box.y0 <= y <= box.y1


def _hidden(char: _Char, page: _Page, bbox: tuple[float, float, float, float], ocr_layer: bool) -> str | None:
    """Why a reader cannot see the character, or None when it is visible."""
    x0, y0, x1, y1 = bbox
    if char.x1 < x0 or char.x0 > x1 or char.y1 < y0 or char.y0 > y1:
        return "outside"
    if char.render_mode in _INVISIBLE_MODES:
        return None if ocr_layer else "invisible"
    if char.size < MIN_VISIBLE_SIZE:
        return "tiny"
    state = char.graphicstate
    color, space = (state.scolor, state.scs) if char.render_mode in _STROKED_MODES else (state.ncolor, state.ncs)
    if _light(color, space) and not any(_inside(char, box) for box in page.backgrounds):
        return "white"
    return None


def _covers(images: list[LTComponent], bbox: tuple[float, float, float, float]) -> bool:
    area = max((bbox[2] - bbox[0]) * (bbox[3] - bbox[1]), 1.0)
    return any(image.width * image.height >= OCR_LAYER_COVER * area for image in images)


def _lines(page: LTPage, chars: list[LTChar]) -> list[Line]:
    """pdfminer's lines over the kept characters, in top-down coordinates."""
    fresh = LTPage(page.pageid, page.bbox, page.rotate)
    for char in chars:
        fresh.add(char)
    fresh.analyze(LAYOUT)
    height = page.y1
    found: list[Line] = []
    for box in fresh:
        if isinstance(box, LTTextBox):
            for line in box:
                if isinstance(line, LTTextLineHorizontal) and (text := " ".join(line.get_text().split())):
                    found.append(Line(line.x0, height - line.y1, line.x1, height - line.y0, text))
    return found


def _open(data: bytes, name: str) -> tuple[PDFDocument, Iterator[PDFPage]]:
    # pdfminer fails on damaged files in many ways (its own errors, but also KeyError, TypeError,
    # RecursionError...): any failure to parse means the file cannot be read.
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)), password="")
    except PDFEncryptionError:
        raise InvalidInput(f"{name} is password protected; upload a copy without a password.") from None
    except Exception:
        raise InvalidInput(f"{name} is a damaged PDF and cannot be read; export it again and upload it.") from None
    return document, PDFPage.create_pages(document)


def extract(data: bytes, name: str) -> tuple[str, list[str]]:
    """The text of the PDF, and warnings about what was left out."""
    _, pages = _open(data, name)
    manager = PDFResourceManager(caching=True)
    device = _Collector(manager)
    interpreter = PDFPageInterpreter(manager, device)
    texts: list[str] = []
    warnings: list[str] = []
    scanned: list[int] = []
    hidden_only = False
    try:
        for number, page in enumerate(pages, start=1):
            if number > limits.MAX_PAGES:
                warnings.append(f"only the first {limits.MAX_PAGES} pages were read")
                break
            interpreter.process_page(page)
            layout = device.get_result()
            found = _Page([], [], [])
            _walk(layout, found)
            bbox = (layout.x0, layout.y0, layout.x1, layout.y1)
            ocr_layer = _covers(found.images, bbox)
            kept: list[LTChar] = []
            dropped: Counter[str] = Counter()
            for char in found.chars:
                reason = _hidden(char, found, bbox, ocr_layer) if isinstance(char, _Char) else None
                if reason is None:
                    kept.append(char)
                elif char.get_text().strip():
                    dropped[reason] += 1
            if dropped:
                reasons = ", ".join(said for reason, said in _REASONS.items() if reason in dropped)
                warnings.append(f"hidden text removed from page {number} ({reasons})")
            page_text = "\n\n".join(
                "\n".join(line.text for line in block) for block in blocks(reading_order(_lines(layout, kept)))
            )
            if page_text.replace("\ufffd", "").strip():
                texts.append(page_text)
            elif dropped:
                hidden_only = True
            elif found.images:
                scanned.append(number)
    except InvalidInput:
        raise
    except Exception:
        raise InvalidInput(f"{name} is a damaged PDF and cannot be read; export it again and upload it.") from None
    text = normalise("\n\n".join(texts))
    return _checked(text, name, scanned, hidden_only, device.undefined, warnings)


def _checked(
    text: str, name: str, scanned: list[int], hidden_only: bool, undefined: int, warnings: list[str]
) -> tuple[str, list[str]]:
    readable = text.replace("\ufffd", "")
    if not readable.strip():
        if scanned:
            raise InvalidInput(
                f"{name} has no text layer: it looks like a scanned document, and OCR is not supported. "
                "Upload the original PDF or a Word document."
            )
        if hidden_only:
            raise InvalidInput(f"{name} contains only hidden text (white, tiny or invisible), nothing a reader sees.")
        raise InvalidInput(f"{name} contains no text.")
    if undefined > len(readable) // 4:
        raise InvalidInput(
            f"{name} uses fonts whose characters cannot be read as text; export it again as PDF or upload a "
            "Word document."
        )
    if undefined:
        warnings.append(f"{undefined} characters without a known Unicode value were left out")
    if scanned:
        listed = ", ".join(str(page) for page in scanned)
        warnings.append(f"no text on page{'s' if len(scanned) > 1 else ''} {listed}: it looks scanned, and was skipped")
    return normalise(readable), warnings
