"""Privacy requests in a Slack DM: recognised only as plain requests; the erase button works only
for the person it was offered to."""

from collections.abc import AsyncIterator

import pytest

from hrm.agent.service import Agent
from hrm.channels.runtime import Runtime
from hrm.channels.slack.privacy import ERASE_CANCEL, ERASE_CONFIRM, confirm_erase, privacy_answer, privacy_intent
from hrm.core.db import Database
from hrm.core.errors import NotFound
from hrm.core.identity import principal_by_email
from hrm.tools import registry
from hrm.tools.context import Deps
from hrm.tools.org_import import import_org

ORG = "privslack"
PEOPLE = """email,first_name,last_name,job_title,department,manager_email,location,role,slack_user_id
una@privslack.test,Una,Lind,Data Engineer,Engineering,,Oslo,admin,UPSUNA
per@privslack.test,Per,Lund,Data Engineer,Engineering,una@privslack.test,Oslo,employee,UPSPER
"""


@pytest.fixture(scope="module")
async def runtime(db: Database, deps: Deps) -> AsyncIterator[Runtime]:
    await import_org(db, ORG, name="Privacy Slack", people_csv=PEOPLE)
    yield Runtime(deps, Agent(deps, registry))


def test_only_plain_requests_are_privacy_requests() -> None:
    assert privacy_intent("export my data") == "export"
    assert privacy_intent("Please delete my data!") == "erase"
    assert privacy_intent("forget me") == "erase"
    assert privacy_intent("how do I delete my data from Jira? also who knows Kubernetes") is None
    assert privacy_intent("what skills do I have?") is None


async def test_erase_button_is_for_its_person_only(runtime: Runtime, db: Database) -> None:
    una = await principal_by_email(db, ORG, "una@privslack.test")
    per = await principal_by_email(db, ORG, "per@privslack.test")
    offer = await privacy_answer(runtime, per, "erase")
    button = offer.blocks[1]["elements"][0]
    assert button["action_id"] == ERASE_CONFIRM and button["value"] == str(per.person_id)
    assert "someone else" in await confirm_erase(runtime, una, ERASE_CONFIRM, button["value"])
    assert "Cancelled" in await confirm_erase(runtime, per, ERASE_CANCEL, button["value"])
    await principal_by_email(db, ORG, "per@privslack.test")  # still there
    export = await privacy_answer(runtime, per, "export")
    assert export.content is not None and "per@privslack.test" in export.content
    assert "deleted" in await confirm_erase(runtime, per, ERASE_CONFIRM, button["value"])
    with pytest.raises(NotFound):
        await principal_by_email(db, ORG, "per@privslack.test")
