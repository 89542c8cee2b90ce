"""Reading order of the text lines of one page, and the blocks (paragraphs) they form.

pdfminer groups characters into lines well, but its order of text boxes interleaves columns whose
lines line up. Lines are ordered here instead, by a recursive cut of the page:

- a vertical gutter (a band of x no line crosses, with lines on both sides) splits a region into a
  left and a right part, read one after the other: columns, a sidebar beside the main text;
- except when one side only labels the other: each line of the sparser side sits on a row of the
  denser side (or beside nothing, like a heading) and most labels are followed by lines that have
  none ("2019 – 2022 | Senior engineer" over several lines), or both sides pair up row for row and
  neither reads as running prose (a table). Those regions are read row by row, so a date stays
  with the job it dates;
- a region no gutter splits is cut into rows where no line overlaps vertically; consecutive rows
  that share a gutter form a band, ordered again on its own (a full-width heading ends a band).

Coordinates are in points with ``top`` < ``bottom`` (y grows downwards).
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from statistics import median

# Above this many lines a page is read row by row (ordering is quadratic; pages of prose hold ~60).
MAX_LINES = 2000
MIN_GUTTER = 6.0  # pdfminer already splits a line at a gap of two characters; columns leave more
# A list marker or section number ("•", "1.", "a)", "2") set apart from its item becomes a line of
# its own; it is put back.
_MARKER = re.compile(r"^(?:[^\w\s]{1,2}|\d{1,2}[.)]?|[a-zA-Z][.)])$")
_LOWER_START = re.compile(r"^[\W\d]*[a-z]")
PROSE_SHARE = 0.3  # of lines that continue a sentence begun on the line before


@dataclass(frozen=True)
class Line:
    x0: float
    top: float
    x1: float
    bottom: float
    text: str

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 0.1)


def _aligned(a: Line, b: Line) -> bool:
    """On one row: the lines share at least half the height of the smaller."""
    overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
    return overlap >= 0.5 * min(a.height, b.height)


def attach_markers(lines: Sequence[Line]) -> list[Line]:
    """List markers joined to the item they precede on the same row."""
    markers = [line for line in lines if _MARKER.match(line.text)]
    if not markers:
        return list(lines)
    rest = [line for line in lines if not _MARKER.match(line.text)]
    for marker in markers:
        following = [
            line
            for line in rest
            if _aligned(marker, line) and 0 <= line.x0 - marker.x1 <= 3 * max(marker.height, line.height)
        ]
        if not following:
            rest.append(marker)
            continue
        item = min(following, key=lambda line: line.x0)
        rest[rest.index(item)] = replace(item, x0=marker.x0, text=f"{marker.text} {item.text}")
    return rest


def _gutter(lines: Sequence[Line]) -> float | None:
    """The x where the widest gutter of the region starts, if there is one."""
    spans = sorted((line.x0, line.x1) for line in lines)
    best: tuple[float, float] | None = None
    reach = spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 - reach >= MIN_GUTTER and (best is None or x0 - reach > best[1] - best[0]):
            best = (reach, x0)
        reach = max(reach, x1)
    return None if best is None else best[0]


def _rows(lines: Sequence[Line]) -> list[list[Line]]:
    """Lines grouped where their vertical extents overlap, top to bottom."""
    rows: list[list[Line]] = []
    bottom = float("-inf")
    for line in sorted(lines, key=lambda line: (line.top, line.x0)):
        if rows and line.top < bottom - 0.25 * line.height:
            rows[-1].append(line)
            bottom = max(bottom, line.bottom)
        else:
            rows.append([line])
            bottom = line.bottom
    return rows


def _prose(lines: Sequence[Line]) -> bool:
    ordered = sorted(lines, key=lambda line: line.top)
    if len(ordered) < 3:
        return False
    continued = sum(1 for line in ordered[1:] if _LOWER_START.match(line.text))
    return continued >= PROSE_SHARE * (len(ordered) - 1)


def _overlaps(a: Line, b: Line) -> bool:
    return a.top < b.bottom and b.top < a.bottom


def _row_by_row(left: Sequence[Line], right: Sequence[Line]) -> bool:
    """Whether one side labels the other (or both form a table) rather than being columns."""
    sparse, dense = sorted((left, right), key=len)
    aligned = [any(_aligned(s, d) for d in dense) for s in sparse]
    anchors = sorted((s for s, ok in zip(sparse, aligned, strict=True) if ok), key=lambda line: line.top)
    # A sparse line beside nothing (a heading over the labels) is no objection; one half beside a
    # line of the other side is: two columns on their own line spacing.
    loose = [s for s, ok in zip(sparse, aligned, strict=True) if not ok]
    if not anchors or any(_overlaps(s, d) for s in loose for d in dense):
        return False
    if len(sparse) == len(dense):
        return all(any(_aligned(d, s) for s in sparse) for d in dense) and not (_prose(left) or _prose(right))
    if len(anchors) == 1:
        return True
    unlabelled = [d for d in dense if not any(_aligned(d, s) for s in sparse)]
    followed = sum(
        1
        for above, below in pairwise(anchors)
        if any(above.bottom <= d.top and d.bottom <= below.top for d in unlabelled)
    )
    return 2 * followed >= len(anchors) - 1


def _bands(rows: Sequence[list[Line]]) -> list[list[Line]]:
    """Consecutive rows merged while they still share a gutter."""
    bands: list[list[Line]] = [list(rows[0])]
    for row in rows[1:]:
        if _gutter(bands[-1] + row) is not None:
            bands[-1].extend(row)
        else:
            bands.append(list(row))
    return bands


def _order(lines: Sequence[Line]) -> list[Line]:
    if len(lines) <= 1:
        return list(lines)
    cut = _gutter(lines)
    if cut is not None:
        left = [line for line in lines if line.x1 <= cut]
        right = [line for line in lines if line.x1 > cut]
        upper, lower = sorted((left, right), key=lambda side: min(line.top for line in side))
        if max(line.bottom for line in upper) <= min(line.top for line in lower):
            return _order(upper) + _order(lower)  # one above the other: not side by side
        if _row_by_row(left, right):
            return [line for row in _rows(lines) for line in sorted(row, key=lambda line: line.x0)]
        return _order(left) + _order(right)
    rows = _rows(lines)
    if len(rows) == 1:
        return sorted(lines, key=lambda line: line.x0)
    return [line for band in _bands(rows) for line in _order(band)]


def reading_order(lines: Sequence[Line]) -> list[Line]:
    """The page's lines in the order a reader takes them."""
    if len(lines) > MAX_LINES:  # the cut is quadratic; such a page is a dense table, read by rows
        return [line for row in _rows(lines) for line in sorted(row, key=lambda line: line.x0)]
    return _order(attach_markers(lines)) if lines else []


def blocks(ordered: Sequence[Line]) -> list[list[Line]]:
    """Ordered lines split into blocks: at a jump to another column, and at a vertical gap clearly
    wider than the page's usual line spacing."""
    gaps = [b.top - a.bottom for a, b in pairwise(ordered) if b.top >= a.bottom - 1]
    usual = median(gaps) if gaps else 0.0
    result: list[list[Line]] = []
    for line in ordered:
        if not result:
            result.append([line])
            continue
        last = result[-1][-1]
        gap = line.top - last.bottom
        if _aligned(last, line):
            jump = False
        elif line.top < last.top:  # back up the page: the next column
            jump = True
        else:
            # Wider than usual by half a line; "usual" is capped so that, on a page of few lines
            # where every gap is a paragraph gap, the gaps still count as such.
            height = min(last.height, line.height)
            jump = gap > min(max(usual, 0.0), 0.8 * height) + 0.5 * height
        if jump:
            result.append([line])
        else:
            result[-1].append(line)
    return result
