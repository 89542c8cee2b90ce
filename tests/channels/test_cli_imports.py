"""``hrm org import --resources`` and ``hrm taxonomy import career-changers`` as a user runs them."""

from pathlib import Path

import pytest

from hrm.core.settings import Settings
from tests.channels.test_cli import hrm

RESOURCES = """title,url,skill,cluster,kind,hours,description
Guild Python circle,https://intranet.guildco.test/python,Python,,internal,10,Weekly pairing sessions
"""


@pytest.mark.usefixtures("db")
def test_resources_import_alone_then_suggested_first(settings: Settings, tmp_path: Path) -> None:
    # An organisation of its own: the resources must not reach other tests' organisations.
    people = tmp_path / "people.csv"
    people.write_text(
        "email,first_name,last_name,job_title,department,manager_email,location,role,slack_user_id\n"
        "eve@guildco.test,Eve,Stone,Software Engineer,Engineering,,Rome,employee,\n",
        encoding="utf-8",
    )
    assert hrm(settings, "org", "import", "--org", "guildco", "--people", str(people)).returncode == 0
    path = tmp_path / "resources.csv"
    path.write_text(RESOURCES, encoding="utf-8")
    result = hrm(settings, "org", "import", "--org", "guildco", "--resources", str(path))
    assert result.returncode == 0, result.stderr
    assert "learning resources: 1 new / 0 updated" in result.stdout
    again = hrm(settings, "org", "import", "--org", "guildco", "--resources", str(path))
    assert "0 new / 1 updated" in again.stdout
    question = "what am I missing to become a Senior Software Engineer?"
    answer = hrm(settings, "ask", "--org", "guildco", "--as", "eve@guildco.test", question)
    assert "Guild Python circle" in answer.stdout and "from your organisation" in answer.stdout
    # Another organisation never sees them.
    other = hrm(settings, "ask", "--org", "acme", "--as", "eve@acme.test", question)
    assert other.returncode == 0 and "Guild Python circle" not in other.stdout


@pytest.mark.usefixtures("db")
def test_bad_resources_file_is_rejected_before_anything_is_written(settings: Settings, tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text(
        "email,first_name,last_name,job_title,department,manager_email,location,role,slack_user_id\n"
        "new@resco.test,New,Person,Analyst,Ops,,Rome,employee,\n",
        encoding="utf-8",
    )
    bad = tmp_path / "resources.csv"
    bad.write_text("title,link\nSomething,https://x.test\n", encoding="utf-8")
    result = hrm(settings, "org", "import", "--org", "resco", "--people", str(people), "--resources", str(bad))
    assert result.returncode == 2
    assert "expected header" in result.stderr
    ask = hrm(settings, "ask", "--org", "resco", "--as", "new@resco.test", "what skills do I have?")
    assert ask.returncode != 0  # the organisation was never created


@pytest.mark.usefixtures("db")
def test_career_changers_needs_a_file(settings: Settings, tmp_path: Path) -> None:
    result = hrm(settings, "taxonomy", "import", "career-changers", str(tmp_path / "missing.tsv"))
    assert result.returncode == 2 and "is not a file" in result.stderr
