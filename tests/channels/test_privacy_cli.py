"""``hrm audit``, ``hrm retention run`` and ``hrm privacy`` as a separate process on the test database."""

import json
from collections.abc import AsyncIterator

import pytest

from hrm.core.db import Database
from hrm.core.settings import Settings
from hrm.tools.org_import import import_org
from tests.channels.test_cli import hrm

ORG = "privcli"
PEOPLE = """email,first_name,last_name,job_title,department,manager_email,location,role,slack_user_id
root@privcli.test,Rita,Root,Operations Lead,Operations,,Oslo,admin,
kim@privcli.test,Kim,Larsen,HR Partner,People,root@privcli.test,Oslo,hr,
pia@privcli.test,Pia,Holm,Data Engineer,Engineering,root@privcli.test,Oslo,employee,
ivo@privcli.test,Ivo,Berg,Data Engineer,Engineering,root@privcli.test,Oslo,employee,
"""
SKILLS = """email,skill,level,source
pia@privcli.test,Python,4,self
ivo@privcli.test,SQL,3,self
"""


@pytest.fixture(scope="module")
async def org(db: Database) -> AsyncIterator[str]:
    await import_org(db, ORG, name="Privacy CLI", people_csv=PEOPLE, skills_csv=SKILLS)
    yield ORG


def test_export_consent_and_audit(settings: Settings, org: str) -> None:
    granted = hrm(settings, "privacy", "consent", "--org", org, "--as", "pia@privcli.test", "--source", "github",
                  "--grant", "--json")  # fmt: skip
    assert granted.returncode == 0, granted.stderr
    assert {c["source"]: c["granted"] for c in json.loads(granted.stdout)["consents"]}["github"] is True
    export = hrm(settings, "privacy", "export", "--org", org, "--as", "pia@privcli.test")
    assert export.returncode == 0, export.stderr
    data = json.loads(export.stdout)
    assert data["format"] == "ai-hrm.personal-data.v1" and data["person"]["email"] == "pia@privcli.test"
    assert [s["skill_name"] for s in data["sections"]["skills"]] == ["Python"]
    assert [c["source"] for c in data["sections"]["consents"]] == ["github"]
    # Employees may not export someone else, nor read the audit.
    other = hrm(settings, "privacy", "export", "--org", org, "--as", "pia@privcli.test", "--person", "ivo@privcli.test")
    assert other.returncode == 2 and "only" in other.stderr
    denied = hrm(settings, "audit", "--org", org, "--as", "pia@privcli.test", "--json")
    assert denied.returncode == 2 and "admins" in denied.stderr
    audit = hrm(settings, "audit", "--org", org, "--as", "root@privcli.test", "--person", "pia@privcli.test", "--json")
    assert audit.returncode == 0, audit.stderr
    entries = json.loads(audit.stdout)["entries"]
    assert {e["tool"] for e in entries} >= {"set_consent", "export_my_data"}
    assert all(e["actor"] == "pia@privcli.test" and e["result_sha256"] for e in entries if e["ok"])
    only = hrm(settings, "audit", "--org", org, "--as", "root@privcli.test", "--tool", "set_consent", "--json")
    assert {e["tool"] for e in json.loads(only.stdout)["entries"]} == {"set_consent"}


def test_erase_needs_yes_and_leaves_a_pseudonymised_audit(settings: Settings, org: str) -> None:
    refused = hrm(settings, "privacy", "erase", "--org", org, "--as", "ivo@privcli.test")
    assert refused.returncode == 2 and "--yes" in refused.stderr
    hrm(settings, "privacy", "export", "--org", org, "--as", "ivo@privcli.test")
    erased = hrm(settings, "privacy", "erase", "--org", org, "--as", "ivo@privcli.test", "--yes", "--json")
    assert erased.returncode == 0, erased.stderr
    out = json.loads(erased.stdout)
    assert out["deleted"]["people"] == 1 and out["pseudonym"].startswith("erased-")
    gone = hrm(settings, "privacy", "export", "--org", org, "--as", "ivo@privcli.test")
    assert gone.returncode == 2
    audit = hrm(settings, "audit", "--org", org, "--as", "root@privcli.test", "--person", out["pseudonym"], "--json")
    entries = json.loads(audit.stdout)["entries"]
    assert {e["tool"] for e in entries} == {"export_my_data", "erase_my_data"}
    assert all(e["actor_id"] is None and e["pseudonymised"] for e in entries)
    assert "ivo@privcli.test" not in audit.stdout


def test_retention_run(settings: Settings, org: str) -> None:
    result = hrm(settings, "retention", "run", "--org", org, "--days", "30", "--dry-run", "--json")
    assert result.returncode == 0, result.stderr
    [only] = json.loads(result.stdout)["results"]
    assert only["org"] == org and only["days"] == 30 and only["dry_run"] is True
    unknown = hrm(settings, "retention", "run", "--org", "no-such-org")
    assert unknown.returncode == 2
