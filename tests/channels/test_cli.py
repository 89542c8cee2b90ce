"""The ``hrm`` command end to end, as a separate process on the test database."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hrm.core.settings import Settings


def hrm(settings: Settings, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HRM_DATA_DIR": str(settings.data_dir), "HRM_ENV": "development", "HRM_EMBEDDER": "fake"}
    env.pop("HRM_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "hrm", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=120,
        check=False,
    )


@pytest.mark.usefixtures("db")
def test_ask_json_names_my_skills(settings: Settings) -> None:
    result = hrm(settings, "ask", "--org", "acme", "--as", "marta@acme.test", "--json", "what skills do I have?")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) >= {"text", "tool_calls", "data", "conversation_id"}
    assert payload["tool_calls"][0] == {"name": "get_profile", "args": {}, "ok": True}
    assert "Python" in payload["text"] and "Kubernetes" in payload["text"]


@pytest.mark.usefixtures("db")
def test_ask_for_a_forbidden_person_is_refused(settings: Settings) -> None:
    result = hrm(settings, "ask", "--org", "acme", "--as", "sam@acme.test", "--json", "what skills does Marta have?")
    payload = json.loads(result.stdout)
    assert payload["tool_calls"][0]["ok"] is False and "Python" not in result.stdout


@pytest.mark.usefixtures("db")
def test_conversation_continues_across_calls(settings: Settings) -> None:
    base = ("ask", "--org", "acme", "--as", "marta@acme.test", "--json", "--conversation", "cli-conv-1")
    first = json.loads(hrm(settings, *base, "hi").stdout)
    second = json.loads(hrm(settings, *base, "search k8s").stdout)
    assert first["conversation_id"] == second["conversation_id"] == "cli-conv-1"


@pytest.mark.usefixtures("db")
def test_unknown_people_and_orgs_exit_2(settings: Settings) -> None:
    nobody = hrm(settings, "ask", "--org", "acme", "--as", "ghost@acme.test", "hi")
    assert nobody.returncode == 2 and "ghost@acme.test" in nobody.stderr
    no_org = hrm(settings, "ask", "--org", "nope", "--as", "a@b.test", "hi")
    assert no_org.returncode == 2 and "no organisation" in no_org.stderr


@pytest.mark.usefixtures("db")
def test_token_prints_the_token_alone(settings: Settings) -> None:
    result = hrm(settings, "token", "--org", "acme", "--as", "marta@acme.test")
    assert result.returncode == 0
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].count(".") == 2


@pytest.mark.usefixtures("db")
def test_org_import_reports_bad_rows_and_exits_2(settings: Settings, tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text("email,first_name,last_name,role\nok@cli.test,Ok,Person,employee\nbad,B,C,boss\n")
    result = hrm(settings, "org", "import", "--org", "cli-co", "--people", str(people))
    assert result.returncode == 2
    assert "people line 3" in result.stderr and "invalid email" in result.stderr and "role must be" in result.stderr
    people.write_text("email,first_name,last_name,role\nok@cli.test,Ok,Person,employee\n")
    good = hrm(settings, "org", "import", "--org", "cli-co", "--people", str(people))
    assert good.returncode == 0 and "1 new" in good.stdout
    again = hrm(settings, "org", "import", "--org", "cli-co", "--people", str(people))
    assert "0 new / 1 updated" in again.stdout


@pytest.mark.usefixtures("db")
def test_chat_reads_lines_until_exit(settings: Settings) -> None:
    result = hrm(settings, "chat", "--org", "acme", "--as", "marta@acme.test", stdin="what skills do I have?\nexit\n")
    assert result.returncode == 0 and "Python" in result.stdout


@pytest.mark.usefixtures("db")
def test_skills_search_and_stats_json(settings: Settings) -> None:
    search = json.loads(hrm(settings, "skills", "search", "k8s", "--json").stdout)
    assert search["results"][0]["name"] == "Kubernetes"
    stats = json.loads(hrm(settings, "taxonomy", "stats", "--json").stdout)
    assert stats["skills"]["by_source"]["builtin"] >= 300 and stats["roles"]["total"] >= 30


@pytest.mark.usefixtures("db")
def test_init_demo_is_idempotent_and_reset_rebuilds(settings: Settings) -> None:
    first = hrm(settings, "init", "--demo")
    assert first.returncode == 0, first.stderr
    assert "marta.rossi@demo.example" in first.stdout
    again = hrm(settings, "init", "--demo")
    assert "0 people created" in again.stdout and "migrations: none pending" in again.stdout
    reset = hrm(settings, "init", "--demo", "--reset")
    assert reset.returncode == 0 and "0 updated" in reset.stdout
    ask = hrm(settings, "ask", "--org", "demo", "--as", "marta.rossi@demo.example", "--json", "what skills do I have?")
    assert json.loads(ask.stdout)["tool_calls"][0]["ok"] is True


@pytest.mark.usefixtures("db")
def test_skills_link_and_roles_normalize_in_batch(settings: Settings, tmp_path: Path) -> None:
    texts = tmp_path / "texts.jsonl"
    texts.write_text('{"id": "a", "text": "python and kubernetes"}\n{"id": 7, "text": "negotiation"}\n')
    out = hrm(settings, "skills", "link", "--input", str(texts), "--top", "3", "--taxonomy", "builtin", "--json")
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["a", 7]
    assert set(lines[0]["results"][0]) == {"skill_id", "name", "score"} and len(lines[0]["results"]) == 3
    assert {"Python", "Kubernetes"} <= {r["name"] for r in lines[0]["results"]}
    single = json.loads(hrm(settings, "skills", "link", "negotiation", "--json").stdout)
    assert single["results"][0]["name"] == "Negotiation"

    titles = tmp_path / "titles.jsonl"
    titles.write_text('{"id": 1, "text": "Senior Data Engineer"}\n{"id": 2, "title": "Registered Nurse"}\n')
    roles = hrm(settings, "roles", "normalize", "--input", str(titles), "--top", "2", "--json")
    parsed = [json.loads(line) for line in roles.stdout.splitlines()]
    assert {"role_id", "title", "score", "external_id"} <= set(parsed[0]["results"][0])
    assert parsed[0]["results"][0]["external_id"] == "data_engineer_senior"


@pytest.mark.usefixtures("db")
def test_bad_jsonl_is_reported_by_line(settings: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "text": "ok"}\nnot json\n{"id": 3}\n')
    out = hrm(settings, "skills", "link", "--input", str(bad), "--json")
    assert out.returncode == 2 and "line 2" in out.stderr and "line 3" in out.stderr and out.stdout == ""


@pytest.mark.usefixtures("db")
def test_bench_titles_reports_metrics(settings: Settings) -> None:
    out = hrm(settings, "bench", "--suite", "titles", "--json")
    result = json.loads(out.stdout)
    assert result["suite"] == "titles" and {"accuracy_at_1", "accuracy_at_5"} <= set(result["metrics"])
    assert out.returncode == (0 if result["passed"] else 1)


@pytest.mark.usefixtures("db")
def test_infer_json_and_unreadable_files(settings: Settings, tmp_path: Path) -> None:
    cv = tmp_path / "cv.md"
    cv.write_text(
        "# Ada\n\n## Experience\nData Engineer, Acme — 2019 – Present\n- Built pipelines in Python and SQL.\n"
    )
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj <<")
    out = hrm(settings, "infer", str(cv), str(broken), "--json")
    assert out.returncode == 0, out.stderr
    payload = json.loads(out.stdout)
    assert [s["ok"] for s in payload["sources"]] == [True, False] and payload["sources"][1]["error"]
    skill = next(s for s in payload["skills"] if s["name"] == "Python")
    assert {"skill_id", "name", "proficiency", "confidence", "verification_needed", "sources", "evidence"} <= set(skill)
    evidence = skill["evidence"][0]
    assert {"source", "file", "quote", "start", "end"} <= set(evidence) and "Python" in evidence["quote"]
    only_broken = hrm(settings, "infer", str(broken))
    assert only_broken.returncode == 2 and "broken.pdf" in only_broken.stderr


def test_commands_before_init_say_to_run_init_at_once(settings: Settings, tmp_path: Path) -> None:
    fresh = settings.model_copy(update={"data_dir": tmp_path / "fresh"})
    try:
        for args in (
            ("ask", "--org", "demo", "--as", "a@demo.test", "hi"),
            ("eval", "--suite", "matching"),
            ("token", "--org", "demo", "--as", "a@demo.test"),
            ("skills", "search", "python"),
        ):
            result = hrm(fresh, *args)
            assert result.returncode == 2 and "run `hrm init`" in result.stderr, (args, result.stderr)
    finally:
        hrm(fresh, "db", "stop")
