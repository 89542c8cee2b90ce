"""Import the O*NET career-changers matrix: for each occupation, the occupations people who leave it
most often move into. Each pair becomes a role transition with source ``onet_changers``.

The matrix predates O*NET 29.3, so some of its codes may be O*NET-SOC 2010 codes. A code that is
not an imported O*NET occupation is read through the SOC 2010 → 2019 crosswalk when one is given
(or lies beside the matrix under its usual name); codes still unknown are skipped and counted.

All or nothing: the file is read and validated first, then the old ``onet_changers`` transitions
are replaced in one transaction. A pair another source already records (an O*NET related
occupation, a curated built-in move) keeps that source's row.
"""

import csv
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import tuple_row

from hrm.core.errors import InvalidInput
from hrm.retrieval.embed_store import Progress
from hrm.retrieval.importers.onet import CODE, read_table

SOURCE = "onet_changers"
RELATED = "Related O*NET-SOC Code"
CROSSWALK_NAME = "onet_soc2010_to_2019_crosswalk.csv"
_CODE_RE = re.compile(r"^\d{2}-\d{4}\.\d{2}$")
_CROSSWALK_COLUMNS = ("soc2010_code", "soc2019_code")


def read_matrix(path: Path) -> list[tuple[str, str]]:
    """The (from code, to code) pairs of the matrix in file order, self-pairs and repeats dropped.
    Raises ``InvalidInput`` naming the line for a wrong or malformed file."""
    if not path.is_file():
        raise InvalidInput(f"career-changers file {path} not found")
    rows = read_table(path.parent, path.name, (CODE, RELATED))
    if not rows:
        raise InvalidInput(f"{path.name} has a header but no data rows")
    pairs: dict[tuple[str, str], None] = {}
    for row in rows:
        source, target = row[CODE].strip(), row[RELATED].strip()
        for column, code in ((CODE, source), (RELATED, target)):
            if not _CODE_RE.match(code):
                raise row.error(f"'{column}' must look like 15-1252.00, not {code!r}")
        if source != target:
            pairs.setdefault((source, target), None)
    return list(pairs)


def read_crosswalk(path: Path) -> dict[str, list[str]]:
    """SOC 2010 code → its SOC 2019 codes (one older occupation may have been split in several)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, delimiter=";")
            header = next(reader, None)
            if header is None or any(c not in header for c in _CROSSWALK_COLUMNS):
                raise InvalidInput(
                    f"{path.name} line 1: a crosswalk needs the columns soc2010_code and soc2019_code (';'-separated)"
                )
            old, new = header.index("soc2010_code"), header.index("soc2019_code")
            out: dict[str, list[str]] = {}
            for fields in reader:
                if not any(f.strip() for f in fields):
                    continue
                if len(fields) != len(header):
                    raise InvalidInput(f"{path.name} line {reader.line_num}: expected {len(header)} fields")
                codes = out.setdefault(fields[old].strip(), [])
                if fields[new].strip() not in codes:
                    codes.append(fields[new].strip())
            return out
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{path.name} is not UTF-8 text: {exc}") from None
    except FileNotFoundError:
        raise InvalidInput(f"crosswalk file {path} not found") from None


def resolve_pairs(
    pairs: Iterable[tuple[str, str]], known: set[str], crosswalk: dict[str, list[str]]
) -> tuple[list[tuple[str, str]], set[str]]:
    """Pairs of imported occupation codes, each side read through the crosswalk when it is not
    known itself; returns them (sorted, distinct) with the codes that could not be placed."""
    unknown: set[str] = set()

    def place(code: str) -> list[str]:
        if code in known:
            return [code]
        mapped = [c for c in crosswalk.get(code, []) if c in known]
        if not mapped:
            unknown.add(code)
        return mapped

    out = {(a, b) for source, target in pairs for a in place(source) for b in place(target) if a != b}
    return sorted(out), unknown


def import_career_changers(
    conn: psycopg.Connection[Any],
    path: Path,
    *,
    crosswalk: Path | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Import the matrix at ``path`` as ``onet_changers`` transitions, with the schema owner's
    connection, in one transaction (a savepoint inside the caller's). O*NET occupations must be
    imported first. Returns counts: pairs in the file, transitions written, pairs another source
    already records, and codes skipped as unknown. Raises ``InvalidInput``, writing nothing."""
    steps = 3

    def step(done: int) -> None:
        if progress:
            progress("career changers", done, steps)

    pairs = read_matrix(path)
    if crosswalk is None and (path.parent / CROSSWALK_NAME).is_file():
        crosswalk = path.parent / CROSSWALK_NAME
    mapping = read_crosswalk(crosswalk) if crosswalk is not None else {}
    step(1)
    with conn.cursor(row_factory=tuple_row) as cur:
        cur.execute("SELECT external_id FROM roles WHERE org_id IS NULL AND source = 'onet'")
        known = {str(code) for (code,) in cur.fetchall()}
    resolved, unknown = resolve_pairs(pairs, known, mapping)
    if not resolved:
        raise InvalidInput(
            f"none of the occupations in {path.name} are imported O*NET occupations; "
            "import O*NET first (hrm taxonomy import onet DIR)"
        )
    step(2)
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("DELETE FROM role_transitions WHERE source = %s", (SOURCE,))
        cur.execute("CREATE TEMP TABLE _changers (from_ext text, to_ext text) ON COMMIT DROP")
        with cur.copy("COPY _changers (from_ext, to_ext) FROM STDIN") as copy:
            for pair in resolved:
                copy.write_row(pair)
        # DO NOTHING: a pair another source already records keeps that source and its years.
        cur.execute(
            """INSERT INTO role_transitions (from_role_id, to_role_id, typical_years, source)
               SELECT f.id, t.id, NULL, %s FROM _changers x
               JOIN roles f ON f.org_id IS NULL AND f.source = 'onet' AND f.external_id = x.from_ext
               JOIN roles t ON t.org_id IS NULL AND t.source = 'onet' AND t.external_id = x.to_ext
               ON CONFLICT (from_role_id, to_role_id) DO NOTHING""",
            (SOURCE,),
        )
        written = cur.rowcount
        cur.execute("DROP TABLE _changers")
    step(3)
    return {
        "pairs": len(pairs),
        "transitions": written,
        "already_recorded": len(resolved) - written,
        "unknown_codes": len(unknown),
    }
