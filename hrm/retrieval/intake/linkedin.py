"""A LinkedIn data export (the ZIP of CSV files, or one of its CSV files) rendered as CV-like text:
the name and headline, then "Summary", "Experience", "Skills", "Education" and "Certifications",
with dates as "Mar 2019 – Present". Missing files are simply missing sections.
"""

import csv
import io
from collections.abc import Mapping
from pathlib import PurePosixPath

from hrm.core.errors import InvalidInput
from hrm.retrieval.intake.dates import span
from hrm.retrieval.intake.text import normalise, one_line

# Export file → a column only that file has, to find its header (and to recognise a lone CSV).
FILES = {
    "profile": "Headline",
    "positions": "Company Name",
    "skills": "Name",
    "education": "School Name",
    "certifications": "Authority",
}
_HEADER_SCAN = 5  # a few exports put notes above the header row

Row = Mapping[str, str]


def file_kind(path: str) -> str | None:
    """The export file a ZIP member or upload name is, by its name (Positions.csv → positions)."""
    name = PurePosixPath(path.replace("\\", "/"))
    kind = name.stem.lower()
    return kind if name.suffix.lower() == ".csv" and kind in FILES else None


def rows(text: str, kind: str, name: str) -> list[Row] | None:
    """The CSV's rows as dicts, or None when it has no header with the column its kind needs."""
    try:
        records = list(csv.reader(io.StringIO(text)))
    except csv.Error as error:
        raise InvalidInput(f"{name} is not a readable CSV file ({error}).") from None
    for index, header in enumerate(records[:_HEADER_SCAN]):
        names = [cell.strip() for cell in header]
        if FILES[kind] in names:
            return [
                {name: cell.strip() for name, cell in zip(names, record, strict=False)}
                for record in records[index + 1 :]
                if any(cell.strip() for cell in record)
            ]
    return None


def csv_kind(text: str, filename: str) -> str | None:
    """Which export file a lone CSV is: by its name, or by a header only that file has."""
    if (kind := file_kind(filename)) and rows(text, kind, filename) is not None:
        return kind
    header = next(csv.reader(io.StringIO(text[:4096].split("\n", 1)[0])), [])
    names = {cell.strip() for cell in header}
    if {"First Name", "Last Name", "Headline"} <= names:
        return "profile"
    if {"Company Name", "Title"} <= names:
        return "positions"
    if "School Name" in names:
        return "education"
    if {"Name", "Authority"} <= names:
        return "certifications"
    return None


def _profile(found: list[Row]) -> list[str]:
    if not found:
        return []
    row = found[0]
    lines = [one_line(f"{row.get('First Name', '')} {row.get('Last Name', '')}")]
    lines += [one_line(row[key]) for key in ("Headline",) if row.get(key)]
    for key, label in (("Geo Location", "Location"), ("Industry", "Industry"), ("Websites", "Websites")):
        if row.get(key):
            lines.append(f"{label}: {one_line(row[key])}")
    out = ["\n".join(line for line in lines if line)]
    if summary := normalise(row.get("Summary", "")):
        out.append(f"Summary\n{summary}")
    return out


def _entry(title: str, where: str, place: str, dates: str, notes: str) -> str:
    head = " — ".join(part for part in (one_line(title), one_line(where)) if part)
    if place:
        head = f"{head} ({one_line(place)})"
    return "\n".join(part for part in (head, dates, normalise(notes)) if part)


def _positions(found: list[Row]) -> list[str]:
    entries = [
        _entry(
            r.get("Title", ""),
            r.get("Company Name", ""),
            r.get("Location", ""),
            span(r.get("Started On", ""), r.get("Finished On", "")),
            r.get("Description", ""),
        )
        for r in found
    ]
    return _section("Experience", entries)


def _skills(found: list[Row]) -> list[str]:
    # One line, comma-separated: a skill named like a heading ("Training") must not start a section.
    names = list(dict.fromkeys(one_line(r["Name"]) for r in found if r.get("Name", "").strip()))
    return [f"Skills\n{', '.join(names)}"] if names else []


def _education(found: list[Row]) -> list[str]:
    entries = [
        _entry(
            r.get("Degree Name", ""),
            r.get("School Name", ""),
            "",
            span(r.get("Start Date", ""), r.get("End Date", "")),
            "\n".join(part for part in (r.get("Notes", ""), r.get("Activities", "")) if part),
        )
        for r in found
    ]
    return _section("Education", entries)


def _certifications(found: list[Row]) -> list[str]:
    entries = [
        _entry(
            r.get("Name", ""),
            r.get("Authority", ""),
            "",
            span(r.get("Started On", ""), r.get("Finished On", "")),
            f"License number: {r['License Number']}" if r.get("License Number") else "",
        )
        for r in found
    ]
    return _section("Certifications", entries)


def _section(heading: str, entries: list[str]) -> list[str]:
    entries = [entry for entry in entries if entry]
    return [f"{heading}\n" + "\n\n".join(entries)] if entries else []


_RENDERERS = {
    "profile": _profile,
    "positions": _positions,
    "skills": _skills,
    "education": _education,
    "certifications": _certifications,
}


def render(files: Mapping[str, list[Row]]) -> str:
    """The export as text, sections in CV order, from the rows of each export file by kind."""
    blocks = [block for kind in _RENDERERS for block in _RENDERERS[kind](files.get(kind, []))]
    return "\n\n".join(blocks)
