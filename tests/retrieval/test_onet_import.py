"""The O*NET importer, on an invented slice in the official file layout (tests/fixtures/onet) and,
when the official files sit beside the checkout, on the full O*NET 29.3 release.

Every test runs inside a transaction that is rolled back, so the shared session database (which
other tests search) never sees O*NET rows; the importer's own transaction becomes a savepoint.
"""

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from hrm.core.db import Database
from hrm.core.errors import InvalidInput
from hrm.retrieval.importers.onet import import_onet, level_from_lv

FIXTURE = Path(__file__).parents[1] / "fixtures" / "onet"
OFFICIAL = Path(__file__).parents[2].parent / "shared" / "data" / "onet-29.3"

Conn = psycopg.Connection[dict[str, Any]]

EXPECTED = {"roles": 4, "role_aliases": 7, "skills": 8, "aliases": 0, "role_skills": 13, "transitions": 4}


@pytest.fixture
def conn(db: Database) -> Iterator[Conn]:
    with db.owner_connect() as connection, connection.transaction(force_rollback=True):
        yield connection


def onet_rows(conn: Conn) -> dict[str, int]:
    """How many O*NET rows each table holds."""
    row = conn.execute(
        """SELECT (SELECT count(*) FROM roles WHERE source = 'onet') AS roles,
                  (SELECT count(*) FROM role_aliases a JOIN roles r ON r.id = a.role_id
                    WHERE r.source = 'onet') AS role_aliases,
                  (SELECT count(*) FROM skills WHERE source = 'onet') AS skills,
                  (SELECT count(*) FROM role_skills rs JOIN roles r ON r.id = rs.role_id
                    WHERE r.source = 'onet') AS role_skills,
                  (SELECT count(*) FROM role_transitions WHERE source = 'onet') AS transitions"""
    ).fetchone()
    assert row is not None
    return {k: int(v) for k, v in row.items()}


def role_skills(conn: Conn, code: str) -> dict[str, tuple[int, str]]:
    rows = conn.execute(
        """SELECT s.name, rs.required_level, rs.importance FROM role_skills rs
           JOIN roles r ON r.id = rs.role_id JOIN skills s ON s.id = rs.skill_id
           WHERE r.source = 'onet' AND r.external_id = %s""",
        (code,),
    ).fetchall()
    return {r["name"]: (r["required_level"], r["importance"]) for r in rows}


def test_fixture_import_counts_and_content(conn: Conn) -> None:
    progress: list[tuple[str, int, int]] = []
    counts = import_onet(conn, FIXTURE, progress=lambda *args: progress.append(args))
    assert counts == EXPECTED
    assert onet_rows(conn) == {k: v for k, v in EXPECTED.items() if k != "aliases"}
    assert ("onet write", 5, 5) in progress

    role = conn.execute("SELECT * FROM roles WHERE source = 'onet' AND external_id = '15-9901.00'").fetchone()
    assert role is not None
    assert role["title"] == "Orbital Widget Analysts" and role["embedding"] is None
    assert role["family"] == "Computer and Mathematical Occupations"
    assert role["attributes"] == {"soc_code": "15-9901", "job_zone": 4}
    moss = conn.execute("SELECT attributes FROM roles WHERE source = 'onet' AND external_id = '29-9902.00'").fetchone()
    assert moss is not None and moss["attributes"]["job_zone"] is None

    aliases = conn.execute(
        """SELECT r.external_id, a.alias FROM role_aliases a JOIN roles r ON r.id = a.role_id
           WHERE r.source = 'onet' ORDER BY 1, 2"""
    ).fetchall()
    # the title-equal alias is skipped and "Widget-Orbit Specialist" folds into its alternate twin
    assert [(a["external_id"], a["alias"]) for a in aliases] == [
        ("15-9901.00", "WOS Lead"),
        ("15-9901.00", "Widget Orbit Specialist"),
        ("15-9901.01", "Principal Widget Orbiteer"),
        ("29-9902.00", "Lichen Care Aide"),
        ("47-9903.00", "Glazing Crane Rigger"),
        ("47-9903.00", "Roof Rig Lead"),
        ("47-9903.00", "Skylight Rigging Foreman"),
    ]


def test_fixture_skills_types_and_requirements(conn: Conn) -> None:
    import_onet(conn, FIXTURE)
    skills = {
        r["external_id"]: r
        for r in conn.execute(
            "SELECT external_id, name, type, description, attributes FROM skills WHERE source = 'onet'"
        )
    }
    assert {k: (s["name"], s["type"]) for k, s in skills.items()} == {
        "2.A.9.a": ("Echo Listening", "soft"),
        "2.B.3.z": ("Hull Plating", "technical"),
        "2.A.1.z": ("Starchart Tessellation", "soft"),
        "2.C.9.z": ("Starchart Tessellation (knowledge)", "domain_specific"),
        "2.C.9.y": ("Moss Botany", "domain_specific"),
        "tech:zorblaxide": ("Zorblax IDE", "technical"),
        "tech:mossledgerpro": ("MossLedger Pro", "digital"),
        "tech:rigomatic3000": ("Rig-O-Matic 3000", "digital"),
    }
    zorblax = skills["tech:zorblaxide"]
    assert zorblax["description"] == "Development environment software"
    assert zorblax["attributes"] == {
        "commodity": "Development environment software",
        "commodity_code": "99990001",
        "hot": True,
        "in_demand": True,
    }
    assert skills["tech:mossledgerpro"]["attributes"]["hot"] is False

    assert role_skills(conn, "15-9901.00") == {
        "Echo Listening": (4, "essential"),
        "Hull Plating": (3, "important"),
        "Starchart Tessellation": (2, "nice_to_have"),
        "Starchart Tessellation (knowledge)": (3, "important"),
        "Zorblax IDE": (3, "important"),
    }
    # IM < 2.0, a suppressed row and a not-relevant level are all left out
    assert role_skills(conn, "15-9901.01") == {
        "Starchart Tessellation": (5, "essential"),
        "Zorblax IDE": (3, "important"),
    }
    assert role_skills(conn, "29-9902.00") == {
        "Echo Listening": (1, "important"),
        "Moss Botany": (4, "essential"),
        "MossLedger Pro": (3, "nice_to_have"),
    }
    assert role_skills(conn, "47-9903.00")["Hull Plating"] == (5, "essential")


def test_level_mapping_is_linear_and_clamped() -> None:
    assert [level_from_lv(v) for v in (-1.0, 0.0, 1.75, 3.5, 5.25, 7.0, 9.0)] == [1, 1, 2, 3, 4, 5, 5]


def test_fixture_transitions_keep_primary_tiers(conn: Conn) -> None:
    import_onet(conn, FIXTURE)
    rows = conn.execute(
        """SELECT f.external_id AS src, t.external_id AS dst, rt.typical_years FROM role_transitions rt
           JOIN roles f ON f.id = rt.from_role_id JOIN roles t ON t.id = rt.to_role_id
           WHERE rt.source = 'onet' ORDER BY 1, 2"""
    ).fetchall()
    assert [(r["src"], r["dst"], r["typical_years"]) for r in rows] == [
        ("15-9901.00", "15-9901.01", None),
        ("15-9901.00", "47-9903.00", None),
        ("15-9901.01", "15-9901.00", None),
        ("29-9902.00", "47-9903.00", None),
    ]


def snapshot(conn: Conn) -> list[list[dict[str, Any]]]:
    """Every O*NET row that matters, in a stable order, to compare two imports."""
    queries = (
        "SELECT id, external_id, title, family, description, attributes FROM roles WHERE source = 'onet'",
        """SELECT a.id, a.role_id, a.alias FROM role_aliases a JOIN roles r ON r.id = a.role_id
           WHERE r.source = 'onet'""",
        "SELECT id, external_id, name, type, cluster, description, attributes FROM skills WHERE source = 'onet'",
        """SELECT rs.role_id, rs.skill_id, rs.required_level, rs.importance FROM role_skills rs
           JOIN roles r ON r.id = rs.role_id WHERE r.source = 'onet'""",
        "SELECT from_role_id, to_role_id, typical_years FROM role_transitions WHERE source = 'onet'",
    )
    return [sorted(conn.execute(q).fetchall(), key=lambda r: tuple(map(str, r.values()))) for q in queries]


def test_reimport_is_idempotent(conn: Conn) -> None:
    first = import_onet(conn, FIXTURE)
    before = snapshot(conn)
    assert import_onet(conn, FIXTURE) == first
    assert snapshot(conn) == before
    assert onet_rows(conn)["role_skills"] == EXPECTED["role_skills"]


VECTOR = "[" + ",".join(["0.01"] * 384) + "]"


def embedded(conn: Conn, table: str, external_id: str) -> bool:
    sql = f"SELECT embedding IS NOT NULL AS has FROM {table} WHERE source = 'onet' AND external_id = %s"
    found = conn.execute(sql, (external_id,)).fetchone()
    assert found is not None
    return bool(found["has"])


def test_reimport_clears_only_changed_embeddings(conn: Conn, tmp_path: Path) -> None:
    import_onet(conn, FIXTURE)
    conn.execute("UPDATE roles SET embedding = %s::vector WHERE source = 'onet'", (VECTOR,))
    conn.execute("UPDATE skills SET embedding = %s::vector WHERE source = 'onet'", (VECTOR,))
    changed = shutil.copytree(FIXTURE, tmp_path / "onet")
    occupations = changed / "Occupation_Data.txt"
    occupations.write_text(occupations.read_text().replace("soothing moss beds", "calming moss beds"))
    skills_file = changed / "Skills.txt"
    skills_file.write_text(skills_file.read_text().replace("Hull Plating", "Hull Welding"))

    import_onet(conn, changed)
    assert not embedded(conn, "roles", "29-9902.00")
    assert embedded(conn, "roles", "15-9901.00")
    assert not embedded(conn, "skills", "2.B.3.z")
    assert embedded(conn, "skills", "2.A.9.a")


def break_file(directory: Path, name: str, old: str, new: str) -> Path:
    broken = shutil.copytree(FIXTURE, directory / "onet")
    path = broken / name
    path.write_text(path.read_text().replace(old, new, 1))
    return broken


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        ("Skills.txt", "Data Value", "Value", "Skills.txt line 1: missing column(s) 'Data Value'"),
        ("Technology_Skills.txt", "\tY\tN\n", "\tY\n", "Technology_Skills.txt line 2: expected 7"),
        ("Knowledge.txt", "4.80", "high", "Knowledge.txt line 2: column 'Data Value' is not a number"),
        ("Related_Occupations.txt", "\t47-9903.00", "\t47-9999.00", "unknown Related O*NET-SOC Code '47-9999.00'"),
        ("Occupation_Data.txt", "15-9901.01", "15-99O1.01", "'O*NET-SOC Code' must look like"),
    ],
)
def test_malformed_file_raises_and_writes_nothing(
    conn: Conn, tmp_path: Path, name: str, old: str, new: str, message: str
) -> None:
    broken = break_file(tmp_path, name, old, new)
    before = onet_rows(conn)
    with pytest.raises(InvalidInput) as caught:
        import_onet(conn, broken)
    assert message in caught.value.message
    assert onet_rows(conn) == before


def test_missing_file_raises(conn: Conn, tmp_path: Path) -> None:
    partial = shutil.copytree(FIXTURE, tmp_path / "onet")
    (partial / "Related_Occupations.txt").unlink()
    before = onet_rows(conn)
    with pytest.raises(InvalidInput, match=r"Related_Occupations\.txt not found"):
        import_onet(conn, partial)
    assert onet_rows(conn) == before


@pytest.mark.slow
def test_full_official_import(conn: Conn) -> None:
    if not (OFFICIAL / "Occupation_Data.txt").is_file():
        pytest.skip(f"official O*NET files not found in {OFFICIAL}")
    started = time.perf_counter()
    counts = import_onet(conn, OFFICIAL)
    elapsed = time.perf_counter() - started
    assert elapsed < 180, f"O*NET import took {elapsed:.0f}s"
    assert counts["roles"] > 1000 and counts["skills"] > 8000
    assert counts["role_skills"] > 60000 and counts["role_aliases"] > 50000 and counts["transitions"] > 9000
    assert onet_rows(conn) == {k: v for k, v in counts.items() if k != "aliases"}

    names = {
        r["name"]: r["type"]
        for r in conn.execute(
            "SELECT name, type FROM skills WHERE source = 'onet' AND name IN "
            "('Active Listening', 'Mathematics', 'Mathematics (knowledge)', 'Programming', 'Python')"
        )
    }
    assert names == {
        "Active Listening": "soft",
        "Mathematics": "technical",
        "Mathematics (knowledge)": "domain_specific",
        "Programming": "technical",
        "Python": "technical",
    }
    developers = conn.execute(
        "SELECT family FROM roles WHERE source = 'onet' AND external_id = '15-1252.00'"
    ).fetchone()
    assert developers is not None and developers["family"] == "Computer and Mathematical Occupations"
    assert import_onet(conn, OFFICIAL) == counts
    assert onet_rows(conn) == {k: v for k, v in counts.items() if k != "aliases"}
