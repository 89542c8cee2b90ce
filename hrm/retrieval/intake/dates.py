"""Dates as a CV prints them: "Mar 2019", "2019", and spans "Mar 2019 – Present"."""

import re

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NAMES = {name.lower(): index for index, name in enumerate(MONTHS, start=1)}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})(?:-\d{1,2})?(?:[T ].*)?$")  # 2019-03, 2019-03-15, 2019-03-15T10:00Z
_NUMERIC = re.compile(r"^(\d{1,2})[/.](\d{4})$")  # 03/2019
_YEAR = re.compile(r"^\d{4}$")
_WORDS = re.compile(r"[A-Za-z]+|\d+")


def month_year(value: str) -> str:
    """'Mar 2019' for the many ways exports write a month, the year alone when that is all there is,
    and the value as given when it cannot be read."""
    value = value.strip()
    if not value or _YEAR.match(value):
        return value
    if match := _ISO.match(value) or _NUMERIC.match(value):
        first, second = match.group(1), match.group(2)
        year, month = (first, second) if len(first) == 4 else (second, first)
        if 1 <= int(month) <= 12:
            return f"{MONTHS[int(month) - 1]} {year}"
        return value
    words = _WORDS.findall(value)
    months = [_MONTH_NAMES[w[:3].lower()] for w in words if w.isalpha() and w[:3].lower() in _MONTH_NAMES]
    years = [w for w in words if _YEAR.match(w)]
    if len(months) == 1 and len(years) == 1:  # "Mar 2019", "15 March 2019", "March 15, 2019"
        return f"{MONTHS[months[0] - 1]} {years[0]}"
    return value


def span(start: str, end: str, *, open_end: str = "Present") -> str:
    """'Mar 2019 – Jun 2021', 'Mar 2019 – Present'; empty when neither end is known."""
    first, last = month_year(start), month_year(end)
    if not first:
        return last
    return f"{first} – {last or open_end}"
