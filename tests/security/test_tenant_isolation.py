"""Tenant isolation under concurrency: requests from two organisations interleaved through the real
app and its real connection pool, every answer checked against who asked.

The catalogue proof (every tenant table has forced row-level security) is in tests/core/test_rls.py;
this shows the per-transaction organisation scope holds while pooled connections are handed from
one organisation's request to the other's, 50 at a time.
"""

import asyncio
import random
import time
from dataclasses import dataclass

import httpx
import pytest

from hrm.core.settings import Settings
from tests.security.conftest import Person, SecurityOrgs, bearer

CONCURRENCY = 50


@dataclass(frozen=True)
class Probe:
    caller: Person
    url: str
    expect_status: int
    expect_email: str | None  # the profile the answer must be about, when it is one
    said: str = ""  # what the caller typed, which a refusal may quote back


def _probes(orgs: SecurityOrgs, settings: Settings) -> list[Probe]:
    """Each organisation asks for its own people and, by id and by email, for the other's."""
    probes = []
    callers = [orgs["admin"], orgs["employee"], orgs["hr"], orgs["other_admin"], orgs["other_employee"]]
    for caller in callers:
        base = f"/api/v2/organizations/{caller.org}"
        probes.append(Probe(caller, f"{base}/employees/me/skills", 200, caller.email))
        foreign = orgs["other_employee"] if caller.org == orgs["admin"].org else orgs["report"]
        probes.append(Probe(caller, f"{base}/employees/{foreign.id}/skills", 404, None, str(foreign.id)))
        probes.append(Probe(caller, f"{base}/employees/{foreign.email}/skills", 404, None, foreign.email))
        if caller.principal.role.value == "admin":
            colleague = orgs["report"] if caller.org == orgs["admin"].org else orgs["other_employee"]
            probes.append(Probe(caller, f"{base}/employees/{colleague.email}/skills", 200, colleague.email))
    return probes


async def _hammer(client: httpx.AsyncClient, orgs: SecurityOrgs, settings: Settings, total: int) -> dict[str, int]:
    probes = _probes(orgs, settings)
    headers = {p.caller.key: bearer(settings, p.caller.principal) for p in probes}
    foreign_markers = {
        org: {m for p in orgs.people.values() if p.org != org for m in p.markers()}
        for org in {p.caller.org for p in probes}
    }
    rng = random.Random(8)  # a fixed interleaving, so a failure can be replayed
    plan = [rng.choice(probes) for _ in range(total)]
    queue: asyncio.Queue[Probe] = asyncio.Queue()
    for probe in plan:
        queue.put_nowait(probe)
    counts = {"requests": 0, "cross_tenant": 0, "wrong_status": 0, "wrong_person": 0}
    failures: list[str] = []

    async def worker() -> None:
        while not queue.empty():
            probe = queue.get_nowait()
            response = await client.get(probe.url, headers=headers[probe.caller.key])
            counts["requests"] += 1
            text = response.text
            for own in (probe.expect_email, probe.said):
                if own:
                    text = text.replace(own, "")
            if any(marker in text for marker in foreign_markers[probe.caller.org]):
                counts["cross_tenant"] += 1
                failures.append(f"{probe.caller.key} {probe.url}: {response.text[:300]}")
            if response.status_code != probe.expect_status:
                counts["wrong_status"] += 1
                failures.append(f"{probe.caller.key} {probe.url}: {response.status_code} {response.text[:200]}")
            elif probe.expect_email is not None and response.json()["person"]["email"] != probe.expect_email:
                counts["wrong_person"] += 1
                failures.append(f"{probe.caller.key} {probe.url}: answered about {response.json()['person']}")

    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    assert failures[:20] == [], f"{len(failures)} bad answers"
    return counts


async def test_interleaved_requests_never_cross_tenants(
    open_client: httpx.AsyncClient, sec_orgs: SecurityOrgs, settings: Settings
) -> None:
    counts = await _hammer(open_client, sec_orgs, settings, 1_000)
    assert counts == {"requests": 1_000, "cross_tenant": 0, "wrong_status": 0, "wrong_person": 0}


@pytest.mark.slow
async def test_ten_thousand_concurrent_requests_never_cross_tenants(
    open_client: httpx.AsyncClient, sec_orgs: SecurityOrgs, settings: Settings
) -> None:
    started = time.perf_counter()
    counts = await _hammer(open_client, sec_orgs, settings, 10_000)
    elapsed = time.perf_counter() - started
    assert counts == {"requests": 10_000, "cross_tenant": 0, "wrong_status": 0, "wrong_person": 0}
    print(f"tenant isolation: 10,000 requests at concurrency {CONCURRENCY} in {elapsed:.1f} s")
