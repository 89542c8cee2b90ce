"""The ESCO importer, on an invented slice in the official CSV format (tests/fixtures/esco) and, when
the official files sit beside the checkout, on the full set.

Every import here runs inside a transaction that is rolled back, so the session database other
tests search keeps only the built-in taxonomy. The failure tests run at top level on purpose: they
prove that a failed import leaves nothing behind on its own.
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
from hrm.retrieval.importers import esco
from hrm.retrieval.importers.esco import import_esco
from hrm.retrieval.taxonomy_stats import taxonomy_stats

FIXTURE = Path(__file__).parents[1] / "fixtures" / "esco"
FULL = Path(__file__).parents[2].parent / "shared" / "data" / "esco-v1.1.1"
PREFIX = "http://fixture.invalid/esco/"

Conn = psycopg.Connection[Any]


def uri(kind: str, key: str) -> str:
    return f"{PREFIX}{kind}/{key}"


@pytest.fixture
def conn(db: Database) -> Iterator[Conn]:
    with db.owner_connect() as connection, connection.transaction(force_rollback=True):
        yield connection


@pytest.fixture
def esco_dir(tmp_path: Path) -> Path:
    """A private copy of the fixture slice, for tests that edit it."""
    target = tmp_path / "esco"
    shutil.copytree(FIXTURE, target)
    return target


def _skills(conn: Conn) -> dict[str, dict[str, Any]]:
    rows = conn.execute(
        "SELECT * FROM skills WHERE source = 'esco' AND org_id IS NULL AND external_id LIKE %s", (PREFIX + "%",)
    ).fetchall()
    return {row["external_id"].rsplit("/", 1)[1]: row for row in rows}


def _skill_aliases(conn: Conn) -> set[tuple[str, str, str]]:
    rows = conn.execute(
        """SELECT s.name, a.alias, a.kind FROM skill_aliases a JOIN skills s ON s.id = a.skill_id
           WHERE s.source = 'esco' AND s.external_id LIKE %s""",
        (PREFIX + "%",),
    ).fetchall()
    return {(r["name"], r["alias"], r["kind"]) for r in rows}


def _relations(conn: Conn) -> set[tuple[str, str, str]]:
    rows = conn.execute(
        """SELECT f.name AS a, t.name AS b, r.type FROM skill_relations r
           JOIN skills f ON f.id = r.from_skill_id JOIN skills t ON t.id = r.to_skill_id
           WHERE r.source = 'esco' AND f.external_id LIKE %s""",
        (PREFIX + "%",),
    ).fetchall()
    return {(r["a"], r["b"], r["type"]) for r in rows}


def _snapshot(conn: Conn) -> dict[str, Any]:
    """Everything the importer owns, as comparable values (ids included: they must not churn)."""
    tables = {
        "skills": "SELECT id, external_id, name, type, cluster, description, attributes, embedding::text "
        "FROM skills WHERE source = 'esco' ORDER BY id",
        "skill_aliases": "SELECT a.id, a.skill_id, a.alias, a.kind FROM skill_aliases a "
        "JOIN skills s ON s.id = a.skill_id WHERE s.source = 'esco' ORDER BY a.id",
        "roles": "SELECT id, external_id, title, family, level, description, attributes "
        "FROM roles WHERE source = 'esco' ORDER BY id",
        "role_aliases": "SELECT a.id, a.role_id, a.alias FROM role_aliases a "
        "JOIN roles r ON r.id = a.role_id WHERE r.source = 'esco' ORDER BY a.id",
        "role_skills": "SELECT rs.role_id, rs.skill_id, rs.required_level, rs.importance FROM role_skills rs "
        "JOIN roles r ON r.id = rs.role_id WHERE r.source = 'esco' ORDER BY 1, 2",
        "relations": "SELECT from_skill_id, to_skill_id, type FROM skill_relations WHERE source = 'esco' "
        "ORDER BY 1, 2, 3",
    }
    return {name: conn.execute(sql).fetchall() for name, sql in tables.items()}


def test_counts(conn: Conn) -> None:
    stages: list[str] = []
    counts = import_esco(conn, FIXTURE, progress=lambda stage, done, total: stages.append(stage))
    assert counts == {
        "skills": 8,  # the draft skill is left out
        "aliases": 8,
        "roles": 2,
        "role_aliases": 4,
        "role_skills": 7,
        "relations": 5,
        "skipped_links": 3,  # links to the draft skill and the draft occupation
    }
    assert set(stages) == {"esco read", "esco write"}
    assert len(_skills(conn)) == 8


def test_skills_types_clusters_and_groups(conn: Conn) -> None:
    import_esco(conn, FIXTURE)
    skills = _skills(conn)
    assert "rotation" not in skills
    harvest = skills["harvest"]
    assert harvest["name"] == "harvest lunar kelp" and harvest["external_id"] == uri("skill", "harvest")
    assert harvest["description"].startswith("Cut and collect kelp")
    assert harvest["attributes"] == {
        "skill_type": "skill/competence",
        "reuse_level": "sector-specific",
        "groups": ["kelp husbandry"],
    }
    assert {key: row["type"] for key, row in skills.items()} == {
        "harvest": "technical",
        "biology": "domain_specific",  # knowledge
        "grade": "technical",
        "calm": "soft",  # transversal
        "glorpish": "soft",  # a knowledge concept, but in the language pillar
        "write-glorpish": "soft",  # below a language skill
        "remedies": "domain_specific",  # filed under a language skill too, but its home is a knowledge group
        "racks": "technical",  # no type given
    }
    # the cluster is the group just below the pillar root, reached through broader skills if need be
    assert skills["grade"]["cluster"] == "tending orbital gardens"
    assert skills["grade"]["attributes"]["groups"] == []
    assert skills["biology"]["cluster"] == "xenobotany sciences"
    assert skills["write-glorpish"]["cluster"] == "invented tongues"
    assert skills["racks"]["attributes"]["skill_type"] is None
    assert all(row["embedding"] is None and row["org_id"] is None for row in skills.values())


def test_aliases(conn: Conn) -> None:
    import_esco(conn, FIXTURE)
    aliases = _skill_aliases(conn)
    assert ("harvest lunar kelp", "gather moon kelp", "alternative") in aliases
    assert ("harvest lunar kelp", "lunar kelp reaping", "hidden") in aliases
    assert ("grade kelp fronds", "grade fronds of kelp", "hidden") in aliases
    # the preferred label is not repeated as an alias, and "Sort Kelp-Fronds" is "sort kelp fronds" again
    assert not any(alias == name for name, alias, _ in aliases)
    assert [a for name, a, _ in aliases if name == "grade kelp fronds"].count("sort kelp fronds") == 1
    assert len(aliases) == 8


def test_roles_and_requirements(conn: Conn) -> None:
    import_esco(conn, FIXTURE)
    roles = {
        r["title"]: r
        for r in conn.execute(
            "SELECT * FROM roles WHERE source = 'esco' AND external_id LIKE %s", (PREFIX + "%",)
        ).fetchall()
    }
    assert set(roles) == {"lunar kelp farmer", "kelp frond grader"}
    farmer = roles["lunar kelp farmer"]
    assert farmer["family"] == "Fixture growers and gatherers"  # ISCO major group 6
    assert farmer["level"] is None and farmer["embedding"] is None
    assert farmer["attributes"] == {"isco_group": "6991", "code": "6991.7.1"}
    aliases = {r["alias"] for r in conn.execute("SELECT alias FROM role_aliases WHERE role_id = %s", (farmer["id"],))}
    assert aliases == {"moon kelp grower", "kelp farmer (lunar)", "kelp reaper"}  # alternative and hidden
    requirements = {
        (r["name"], r["importance"], r["required_level"])
        for r in conn.execute(
            """SELECT s.name, rs.importance, rs.required_level FROM role_skills rs
               JOIN skills s ON s.id = rs.skill_id WHERE rs.role_id = %s""",
            (farmer["id"],),
        )
    }
    assert requirements == {
        ("harvest lunar kelp", "essential", 3),
        ("lunar kelp biology", "essential", 3),
        ("keep calm under tidal stress", "nice_to_have", 2),
        ("write Glorpish", "nice_to_have", 2),
    }


def test_relations(conn: Conn) -> None:
    import_esco(conn, FIXTURE)
    assert _relations(conn) == {
        # "grade kelp fronds" has "lunar kelp biology" as an essential skill
        ("lunar kelp biology", "grade kelp fronds", "essential_for"),
        ("keep calm under tidal stress", "harvest lunar kelp", "optional_for"),
        # narrower → broader, between skills only (groups are attributes, not skills)
        ("grade kelp fronds", "harvest lunar kelp", "broader"),
        ("write Glorpish", "Glorpish", "broader"),
        ("glorpish kelp remedies", "Glorpish", "broader"),
    }


def test_import_twice_changes_nothing(conn: Conn) -> None:
    first_counts = import_esco(conn, FIXTURE)
    first, first_stats = _snapshot(conn), taxonomy_stats(conn)
    assert import_esco(conn, FIXTURE) == first_counts
    assert _snapshot(conn) == first
    assert taxonomy_stats(conn) == first_stats


def test_reimport_applies_changes_and_keeps_unchanged_vectors(conn: Conn, esco_dir: Path) -> None:
    import_esco(conn, FIXTURE)
    vector = "[" + ",".join(["0.5"] * 384) + "]"
    conn.execute("UPDATE skills SET embedding = %s::vector WHERE external_id LIKE %s", (vector, PREFIX + "%"))
    conn.execute(
        """UPDATE skill_aliases SET embedding = %s::vector
           WHERE skill_id IN (SELECT id FROM skills WHERE external_id LIKE %s)""",
        (vector, PREFIX + "%"),
    )
    skills_file = esco_dir / "skills_en.csv"
    text = skills_file.read_text(encoding="utf-8")
    text = text.replace("How kelp grows, reproduces", "How kelp sprouts, reproduces")  # biology's description
    text = text.replace("gather moon kelp\n", "")  # harvest loses an alias
    text = text.replace("stay composed at high tide", "Stay Composed At High Tide")  # same norm, new text
    skills_file.write_text(text, encoding="utf-8")

    import_esco(conn, esco_dir)

    skills = _skills(conn)
    assert skills["biology"]["embedding"] is None  # re-embedded by the next embed_missing
    assert skills["biology"]["description"].startswith("How kelp sprouts")
    assert all(row["embedding"] is not None for key, row in skills.items() if key != "biology")
    aliases = _skill_aliases(conn)
    assert not any(alias == "gather moon kelp" for _, alias, _ in aliases)
    assert ("keep calm under tidal stress", "Stay Composed At High Tide", "alternative") in aliases
    vectors = {
        r["alias"]: r["embedding"]
        for r in conn.execute(
            """SELECT a.alias, a.embedding::text AS embedding FROM skill_aliases a JOIN skills s ON s.id = a.skill_id
               WHERE s.external_id LIKE %s""",
            (PREFIX + "%",),
        )
    }
    assert vectors["Stay Composed At High Tide"] is None
    assert vectors["collect lunar kelp"] is not None


def _esco_rows(db: Database) -> dict[str, Any]:
    with db.owner_connect() as connection:
        return {**taxonomy_stats(connection), "esco": _snapshot(connection)}


def _break_header(directory: Path, name: str, old: str, new: str) -> None:
    path = directory / name
    header, rest = path.read_text(encoding="utf-8").split("\n", 1)
    path.write_text(header.replace(old, new) + "\n" + rest, encoding="utf-8")


def test_wrong_header_writes_nothing(db: Database, esco_dir: Path) -> None:
    # the last file read, so that everything before it has been parsed already
    _break_header(esco_dir, "skillSkillRelations.csv", "relatedSkillUri", "relatedSkill")
    before = _esco_rows(db)
    with db.owner_connect() as connection, pytest.raises(InvalidInput) as error:
        import_esco(connection, esco_dir)
    assert "skillSkillRelations.csv" in error.value.message and "relatedSkillUri" in error.value.message
    assert _esco_rows(db) == before


def test_failure_while_writing_rolls_everything_back(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    # fail after skills, aliases and relations were written: none of them may survive
    steps = esco._WRITE_STEPS
    monkeypatch.setattr(esco, "_WRITE_STEPS", (*steps[:3], ("SELECT 1 / 0",), *steps[3:]))
    before = _esco_rows(db)
    with db.owner_connect() as connection, pytest.raises(psycopg.errors.DivisionByZero):
        import_esco(connection, FIXTURE)
    assert _esco_rows(db) == before


def test_missing_file(conn: Conn, esco_dir: Path) -> None:
    (esco_dir / "occupations_en.csv").unlink()
    with pytest.raises(InvalidInput, match=r"occupations_en\.csv is missing"):
        import_esco(conn, esco_dir)


def test_ragged_record_names_its_line(conn: Conn, esco_dir: Path) -> None:
    path = esco_dir / "occupationSkillRelations.csv"
    path.write_text(path.read_text(encoding="utf-8") + "http://fixture.invalid/x,essential\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"occupationSkillRelations\.csv line 11: expected 4 fields, found 2"):
        import_esco(conn, esco_dir)


def test_multi_line_records_report_their_first_line(conn: Conn, esco_dir: Path) -> None:
    path = esco_dir / "skills_en.csv"
    # the header is line 1 and each fixture skill spans three lines (labels and schemes are multi-line)
    text = path.read_text(encoding="utf-8").replace("released", "released,extra", 2)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"skills_en\.csv line 2: expected 13 fields, found 14"):
        import_esco(conn, esco_dir)


def test_unclosed_quote(conn: Conn, esco_dir: Path) -> None:
    path = esco_dir / "skillGroups_en.csv"
    path.write_text(path.read_text(encoding="utf-8") + 'SkillGroup,http://fixture.invalid/g,"open\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"skillGroups_en\.csv line \d+: malformed CSV"):
        import_esco(conn, esco_dir)


def test_unknown_relation_type(conn: Conn, esco_dir: Path) -> None:
    path = esco_dir / "occupationSkillRelations.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("optional", "sometimes", 1), encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"occupationSkillRelations\.csv line 4: relationType 'sometimes'"):
        import_esco(conn, esco_dir)


@pytest.mark.slow
def test_full_official_files(conn: Conn) -> None:
    if not (FULL / "skills_en.csv").is_file():
        pytest.skip(f"the official ESCO files are not in {FULL}")
    started = time.monotonic()
    counts = import_esco(conn, FULL)
    elapsed = time.monotonic() - started
    assert elapsed < 180, f"the full import took {elapsed:.0f}s"
    assert counts["skills"] == 13_896 and counts["roles"] == 3_007  # v1.1.1, all released
    assert counts["aliases"] > 80_000 and counts["role_aliases"] > 25_000
    assert counts["role_skills"] > 120_000 and counts["relations"] > 10_000
    stats = taxonomy_stats(conn)
    assert stats["skills"]["by_source"]["esco"] == counts["skills"]
    assert stats["roles"]["by_source"]["esco"] == counts["roles"]
    types = conn.execute("SELECT type, count(*) AS n FROM skills WHERE source = 'esco' GROUP BY type").fetchall()
    assert {r["type"] for r in types} == {"technical", "soft", "domain_specific"}
    row = conn.execute(
        "SELECT count(*) FILTER (WHERE family IS NULL) AS no_family, count(DISTINCT family) AS families "
        "FROM roles WHERE source = 'esco'"
    ).fetchone()
    assert row is not None and row["no_family"] == 0 and row["families"] == 10
    # a second run over the same files leaves the same database
    before = _snapshot(conn)
    assert import_esco(conn, FULL) == counts
    assert _snapshot(conn) == before
