from collections import Counter

from hrm.core.db import Database
from hrm.core.models import Importance, SkillType
from hrm.core.text import norm
from hrm.retrieval.builtin_taxonomy import load_builtin, read_builtin
from hrm.retrieval.taxonomy_stats import taxonomy_stats


def test_builtin_data_is_rich_and_consistent() -> None:
    tax = read_builtin()
    keys = [s["key"] for s in tax.skills]
    assert len(keys) == len(set(keys)) >= 300
    assert {s["type"] for s in tax.skills} == {t.value for t in SkillType}
    assert sum(len(s["aliases"]) for s in tax.skills) >= 600
    names = Counter(norm(s["name"]) for s in tax.skills)
    assert names.most_common(1)[0][1] == 1
    assert len(tax.roles) >= 30
    for role in tax.roles:
        assert role["skills"], role["code"]
        for req in role["skills"]:
            assert req["skill"] in set(keys) and 1 <= req["level"] <= 5
            assert req["importance"] in {i.value for i in Importance}


def test_load_is_idempotent(db: Database) -> None:
    with db.owner_connect() as conn:
        before = taxonomy_stats(conn)
        load_builtin(conn)
        after = taxonomy_stats(conn)
    assert before == after
    assert after["skills"]["by_source"]["builtin"] == len(read_builtin().skills)
