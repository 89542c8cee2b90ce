"""The career-changers importer, on a sample in the official layout over the invented O*NET slice
(tests/fixtures/onet), and a read of the official matrix when it sits beside the checkout.

Every test runs inside a rolled-back transaction, so the shared session database never sees the
O*NET rows; the importers' own transactions become savepoints.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from hrm.core.db import Database
from hrm.core.errors import InvalidInput
from hrm.retrieval.importers.career_changers import import_career_changers, read_crosswalk, read_matrix
from hrm.retrieval.importers.onet import import_onet

ONET = Path(__file__).parents[1] / "fixtures" / "onet"
SAMPLE = ONET / "career_changers_sample.tsv"
CROSSWALK = ONET / "career_changers_crosswalk_sample.csv"
OFFICIAL = Path(__file__).parents[2].parent / "shared" / "data" / "career"

Conn = psycopg.Connection[dict[str, Any]]


@pytest.fixture
def conn(db: Database) -> Iterator[Conn]:
    with db.owner_connect() as connection, connection.transaction(force_rollback=True):
        yield connection


def transitions(conn: Conn) -> dict[tuple[str, str], str]:
    rows = conn.execute(
        """SELECT f.external_id AS src, t.external_id AS dst, rt.source FROM role_transitions rt
           JOIN roles f ON f.id = rt.from_role_id JOIN roles t ON t.id = rt.to_role_id
           WHERE rt.source IN ('onet', 'onet_changers')"""
    ).fetchall()
    return {(r["src"], r["dst"]): r["source"] for r in rows}


def test_sample_becomes_transitions_beside_related_occupations(conn: Conn) -> None:
    import_onet(conn, ONET)
    related = transitions(conn)
    progress: list[tuple[str, int, int]] = []
    counts = import_career_changers(conn, SAMPLE, crosswalk=CROSSWALK, progress=lambda *a: progress.append(a))
    # six pairs; two already O*NET related occupations; one code only the crosswalk places; one unknown
    assert counts == {"pairs": 6, "transitions": 3, "already_recorded": 2, "unknown_codes": 1}
    assert progress[-1] == ("career changers", 3, 3)
    after = transitions(conn)
    added = {pair: source for pair, source in after.items() if pair not in related}
    assert added == {
        ("29-9902.00", "15-9901.00"): "onet_changers",
        ("47-9903.00", "15-9901.00"): "onet_changers",
        ("15-9901.01", "29-9902.00"): "onet_changers",  # 15-9998.00 read as its 2019 code
    }
    # pairs the related occupations already hold keep their source
    assert after[("15-9901.00", "15-9901.01")] == "onet" and after[("29-9902.00", "47-9903.00")] == "onet"
    typical = conn.execute("SELECT typical_years FROM role_transitions WHERE source = 'onet_changers'").fetchall()
    assert {r["typical_years"] for r in typical} == {None}


def test_reimport_is_idempotent_and_without_crosswalk_skips_old_codes(conn: Conn) -> None:
    import_onet(conn, ONET)
    first = import_career_changers(conn, SAMPLE, crosswalk=CROSSWALK)
    snapshot = transitions(conn)
    assert import_career_changers(conn, SAMPLE, crosswalk=CROSSWALK) == first
    assert transitions(conn) == snapshot
    # without the crosswalk the 2010 code is unknown: its row goes, the others stay
    counts = import_career_changers(conn, SAMPLE)
    assert counts["transitions"] == first["transitions"] - 1 and counts["unknown_codes"] == 2
    assert ("15-9901.01", "29-9902.00") not in transitions(conn)


def test_wrong_file_is_refused_and_nothing_changes(conn: Conn, tmp_path: Path) -> None:
    import_onet(conn, ONET)
    import_career_changers(conn, SAMPLE, crosswalk=CROSSWALK)
    before = transitions(conn)
    with pytest.raises(InvalidInput, match=r"missing column.*Related O\*NET-SOC Code"):
        import_career_changers(conn, ONET / "Occupation_Data.txt")
    bad = tmp_path / "changers.tsv"
    bad.write_text(SAMPLE.read_text(encoding="utf-8").replace("47-9903.00\tGlass", "47-99X3\tGlass", 1), "utf-8")
    with pytest.raises(InvalidInput, match=r"changers\.tsv line 3: 'Related O\*NET-SOC Code' must look like"):
        import_career_changers(conn, bad)
    with pytest.raises(InvalidInput, match="not found"):
        import_career_changers(conn, tmp_path / "missing.tsv")
    with pytest.raises(InvalidInput, match="soc2010_code"):
        import_career_changers(conn, SAMPLE, crosswalk=ONET / "Job_Zones.txt")
    assert transitions(conn) == before


def test_nothing_to_link_without_onet_occupations(conn: Conn) -> None:
    with pytest.raises(InvalidInput, match=r"import O\*NET first"):
        import_career_changers(conn, SAMPLE, crosswalk=CROSSWALK)
    assert transitions(conn) == {}


@pytest.mark.skipif(not (OFFICIAL / "onet_career_changers_matrix.tsv").is_file(), reason="official data absent")
def test_official_matrix_reads_whole() -> None:
    pairs = read_matrix(OFFICIAL / "onet_career_changers_matrix.tsv")
    assert len(pairs) > 7000 and all(a != b for a, b in pairs)
    crosswalk = read_crosswalk(OFFICIAL / "onet_soc2010_to_2019_crosswalk.csv")
    assert len(crosswalk) > 1000 and any(len(codes) > 1 for codes in crosswalk.values())
