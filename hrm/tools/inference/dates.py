"""Dated positions: the date ranges of a CV's experience, and the text each range covers."""

import re
from dataclasses import dataclass
from datetime import date

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}  # fmt: skip
_POINT = r"(?:(?:[A-Za-z]{3,9}\.?\s+)?\d{4}|\d{1,2}/\d{4}|\d{4}-\d{2})"
_OPEN = r"(?:present|current|now|today|ongoing|oggi|in corso)"
RANGE = re.compile(rf"(?P<a>{_POINT})\s*(?:[-–—]|to|until|till|al|a)\s*(?P<b>{_POINT}|{_OPEN})", re.IGNORECASE)


@dataclass(frozen=True)
class Position:
    start: int  # character offsets of the text this position covers
    end: int
    began: date
    ended: date
    current: bool
    heading: str  # the line holding the dates (title, company)

    @property
    def years(self) -> float:
        return max(0.0, (self.ended - self.began).days / 365.25)


def parse_point(text: str, *, end_of_period: bool) -> date | None:
    text = text.strip().rstrip(".").lower()
    if match := re.fullmatch(r"(\d{1,2})/(\d{4})", text):
        month, year = int(match.group(1)), int(match.group(2))
    elif match := re.fullmatch(r"(\d{4})-(\d{2})", text):
        year, month = int(match.group(1)), int(match.group(2))
    elif match := re.fullmatch(r"([a-z]{3,9})\.?\s+(\d{4})", text):
        month, year = _MONTHS.get(match.group(1)[:3], 0), int(match.group(2))
        if not month:
            return None
    elif re.fullmatch(r"\d{4}", text):
        year, month = int(text), 12 if end_of_period else 1
    else:
        return None
    if not (1950 <= year <= 2100 and 1 <= month <= 12):
        return None
    return date(year, month, 28 if end_of_period else 1)


def find_positions(text: str, start: int, end: int, today: date) -> list[Position]:
    """Each date range opens a position that runs until the next range (or the section end)."""
    found: list[tuple[int, date, date, bool, str]] = []
    for match in RANGE.finditer(text, start, end):
        began = parse_point(match.group("a"), end_of_period=False)
        open_ended = re.fullmatch(_OPEN, match.group("b").strip(), re.IGNORECASE) is not None
        ended = today if open_ended else parse_point(match.group("b"), end_of_period=True)
        if began is None or ended is None or ended < began:
            continue
        line_start = text.rfind("\n", start, match.start()) + 1
        line_end = text.find("\n", match.end(), end)
        heading = text[line_start : line_end if line_end != -1 else end].strip()
        found.append((line_start, began, min(ended, today), open_ended, heading))
    positions = []
    for index, (pos_start, began, ended, current, heading) in enumerate(found):
        pos_end = found[index + 1][0] if index + 1 < len(found) else end
        # The title line often sits just above the dates: include it in the block.
        prev = text.rfind("\n", start, max(start, pos_start - 1))
        block_start = prev + 1 if prev >= start and (index == 0 or prev + 1 > found[index - 1][0]) else pos_start
        positions.append(Position(block_start, pos_end, began, ended, current, heading))
    return positions


def merged_years(positions: list[Position]) -> float:
    """Years covered by the positions, overlapping periods counted once."""
    spans = sorted((p.began, p.ended) for p in positions)
    total, current_start, current_end = 0.0, None, None
    for began, ended in spans:
        if current_end is None or began > current_end:
            if current_start is not None and current_end is not None:
                total += (current_end - current_start).days
            current_start, current_end = began, ended
        else:
            current_end = max(current_end, ended)
    if current_start is not None and current_end is not None:
        total += (current_end - current_start).days
    return total / 365.25
