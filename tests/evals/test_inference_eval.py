"""The inference eval: its gold files, its span metrics, and an end-to-end run on the real database
(with the deterministic test embedder)."""

import json
import re
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest

from hrm.evals.inference import BANDS, Tally, load_cases, load_gold, prf, run_inference_eval
from hrm.evals.inference_esco import load_esco_map
from hrm.evals.skillspan import bio_spans, find_data_dir, predicted_spans, span_scores
from hrm.retrieval.vocabulary import Vocabulary
from hrm.tools.context import Deps

SKILLS = Path(__file__).parents[2] / "hrm" / "data" / "skills"
ESCO_URI = re.compile(
    r"^http://data\.europa\.eu/esco/skill/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
)


def builtin_names() -> set[str]:
    return {s["name"] for f in SKILLS.glob("*.json") for s in json.loads(f.read_text(encoding="utf-8"))["skills"]}


# --- span metrics -------------------------------------------------------------------------------


def test_bio_spans_read_begin_inside_and_a_stray_inside() -> None:
    assert bio_spans(["O", "B", "I", "O", "B", "B", "I", "I"]) == {(1, 3), (4, 5), (5, 8)}
    assert bio_spans(["I", "I", "O", "I"]) == {(0, 2), (3, 4)}
    assert bio_spans(["O", "O"]) == set()


def test_strict_needs_the_same_boundaries_loose_any_shared_token() -> None:
    # Sentence 1: one exact hit, one prediction one token short of its gold span.
    # Sentence 2: a prediction touching nothing, and a gold span nobody predicted.
    pairs = [({(0, 2), (5, 7)}, {(0, 2), (4, 7)}), ({(1, 2)}, {(3, 5)})]
    scores = span_scores(pairs)
    third, two_thirds = round(1 / 3, 3), round(2 / 3, 3)
    assert scores["strict"] == {"precision": third, "recall": third, "f1": third}
    assert scores["loose"] == {"precision": two_thirds, "recall": two_thirds, "f1": two_thirds}
    assert span_scores([]) == {
        "strict": {"precision": 0.0, "recall": 0.0, "f1": 0.0},
        "loose": {"precision": 0.0, "recall": 0.0, "f1": 0.0},
    }


def test_adjacent_spans_do_not_overlap() -> None:
    assert span_scores([({(0, 2)}, {(2, 4)})])["loose"]["recall"] == 0.0


def test_predicted_spans_map_mentions_onto_the_gold_tokens_and_skip_denials() -> None:
    vocabulary = Vocabulary({}, {})
    vocabulary.add(
        [
            {"id": 1, "label": "Python", "name": "Python", "type": "technical", "is_name": True},
            {"id": 2, "label": "machine learning", "name": "Machine Learning", "type": "technical", "is_name": True},
            {"id": 3, "label": "Java", "name": "Java", "type": "technical", "is_name": True},
        ]
    )
    tokens = ["Strong", "Python", "and", "machine", "learning", "skills", ";", "no", "Java", "experience", "needed"]
    assert predicted_spans(vocabulary, tokens) == {(1, 2), (3, 5)}


def test_prf_and_tally_count_micro() -> None:
    assert prf(0, 0, 0) == (0.0, 0.0, 0.0)
    tally = Tally()
    hits = tally.add({"Go": "high", "SQL": "mid"}, {"Go": 4, "Rust": 2}, {"Go": "first", "SQL": "second"})
    assert hits == {"Go"}
    metrics = tally.metrics()
    assert (metrics["precision"], metrics["recall"], metrics["level_band_accuracy"]) == (0.5, 0.5, 1.0)
    assert metrics["recall_by_review"] == {"first": 1.0, "second": 0.0}


# --- gold files ---------------------------------------------------------------------------------


def test_gold_names_exist_in_the_builtin_taxonomy_once_per_cv() -> None:
    gold = load_gold()
    names = builtin_names()
    assert "protocol" in gold and isinstance(gold["review_notes"], list)
    assert len(gold["cvs"]) >= 12
    folder = resources.files("hrm.evals").joinpath("data/cvs")
    for case in gold["cvs"]:
        assert folder.joinpath(case["file"]).is_file()
        skills = [g["skill"] for g in case["skills"]]
        assert not [n for n, k in Counter(skills).items() if k > 1], case["file"]
        assert set(skills) <= names, set(skills) - names
        assert {g["level_band"] for g in case["skills"]} <= set(BANDS.values())
        assert {g.get("review", "first") for g in case["skills"]} <= {"first", "second"}
    for note in gold["review_notes"]:
        assert note["file"] == "*" or note["skill"] in {g["skill"] for c in gold["cvs"] if c["file"] == note["file"]
                                                         for g in c["skills"]}  # fmt: skip


def test_esco_mapping_covers_every_gold_skill_with_esco_uris() -> None:
    mapping = load_esco_map()
    gold_names = {g["skill"] for case in load_gold()["cvs"] for g in case["skills"]}
    assert set(mapping) == gold_names
    for name, uris in mapping.items():
        assert len(uris) == len(set(uris)), name
        assert all(ESCO_URI.match(uri) for uri in uris), name
    assert sum(1 for uris in mapping.values() if uris) > len(mapping) / 3


def test_esco_uris_are_concepts_of_esco_when_the_shared_data_is_present() -> None:
    data = find_data_dir()
    csv_path = data / "esco-v1.1.1" / "skills_en.csv" if data else None
    if csv_path is None or not csv_path.is_file():
        pytest.skip("the shared ESCO data is not present")
    text = csv_path.read_text(encoding="utf-8")
    known = set(re.findall(r"http://data\.europa\.eu/esco/skill/[0-9a-f-]{36}", text))
    missing = {uri for uris in load_esco_map().values() for uri in uris} - known
    assert not missing


# --- end to end ---------------------------------------------------------------------------------


def _one_cv_gold(tmp_path: Path) -> Path:
    case = next(c for c in load_gold()["cvs"] if c["file"] == "backend_senior_go.md")
    # A skill this CV never evidences: the eval must count it as missed.
    case["skills"].append({"skill": "Midwifery", "level_band": "high", "review": "second"})
    path = tmp_path / "gold.json"
    path.write_text(json.dumps({"protocol": "test", "review_notes": [], "cvs": [case]}), encoding="utf-8")
    return path


async def test_the_eval_scores_predictions_against_the_gold(deps: Deps, tmp_path: Path) -> None:
    result = await run_inference_eval(deps.db, deps.embedder, gold_path=_one_cv_gold(tmp_path))
    metrics = result["metrics"]
    assert result["suite"] == "inference" and isinstance(result["passed"], bool)
    assert metrics["cvs"] == 1 and "esco" not in metrics and "skillspan" not in metrics
    (cv,) = metrics["per_cv"]
    assert cv["gold"] == len(load_cases(json.loads((tmp_path / "gold.json").read_text()))[0].gold)
    assert "Midwifery" in cv["missed"] and "Go" not in cv["missed"]
    assert 0 < metrics["recall"] < 1 and metrics["precision"] > 0
    assert metrics["recall"] == round(cv["correct"] / cv["gold"], 3)
    assert metrics["precision"] == round(cv["correct"] / cv["predicted"], 3)
    assert sum(row["n"] for row in metrics["reliability"]) == cv["predicted"]


async def test_the_eval_adds_span_figures_when_skillspan_data_is_given(deps: Deps, tmp_path: Path) -> None:
    folder = tmp_path / "data" / "eval-dev"
    folder.mkdir(parents=True)
    rows = [
        {"tokens": ["Experience", "with", "Python", "and", "Kubernetes", "."],
         "tags_skill": ["O"] * 6, "tags_knowledge": ["O", "O", "B", "O", "B", "O"], "source": "tech"},
        {"tokens": ["Able", "to", "work", "independently"],
         "tags_skill": ["B", "I", "I", "I"], "tags_knowledge": ["O"] * 4, "source": "house"},
    ]  # fmt: skip
    (folder / "skillspan_dev.json").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    result = await run_inference_eval(deps.db, deps.embedder, gold_path=_one_cv_gold(tmp_path), data_dir=folder.parent)
    spans = result["metrics"]["skillspan"]
    assert spans["sentences"] == 2 and spans["builtin"]["gold"] == 3
    assert spans["builtin"]["knowledge"]["strict"]["recall"] == 1.0
    assert spans["builtin"]["skill"]["strict"]["recall"] == 0.0
    assert spans["builtin"]["union"]["strict"]["recall"] == round(2 / 3, 3)
