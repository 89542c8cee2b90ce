"""Token-bucket rate limits per person and per organisation, shared by every channel.

The buckets live in the process. With several replicas behind a load balancer each keeps its own,
so a caller may reach up to N times the configured rate: enough to stop a runaway script or a
looping client, which is the point; a tighter global ceiling would need a shared store.
"""

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from hrm.core.settings import Settings


@dataclass
class _Bucket:
    tokens: float
    updated: float


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: float  # seconds until one token is back; 0 when allowed

    @property
    def retry_after_header(self) -> str:
        # Retry-After takes whole seconds; rounding up never tells a client to come back too early.
        return str(max(1, math.ceil(self.retry_after)))


class TokenBuckets:
    """``rate`` tokens per second refill a bucket of ``burst``; each request takes one.

    Bounded: the least recently used keys are dropped beyond ``max_keys``, which only forgives
    callers idle long enough to be evicted.
    """

    def __init__(
        self, rate_per_second: float, burst: int, *, clock: Callable[[], float] = time.monotonic, max_keys: int = 50_000
    ) -> None:
        self.rate = rate_per_second
        self.burst = burst
        self._clock = clock
        self._max_keys = max_keys
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def _refilled(self, key: str) -> _Bucket:
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = _Bucket(float(self.burst), now)
            self._buckets[key] = bucket
            if len(self._buckets) > self._max_keys:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
            bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
        return bucket

    def peek(self, key: str) -> Decision:
        bucket = self._refilled(key)
        if bucket.tokens >= 1:
            return Decision(True, 0.0)
        return Decision(False, (1 - bucket.tokens) / self.rate)

    def take(self, key: str) -> None:
        self._refilled(key).tokens -= 1


class RateLimiter:
    """The product's limits: REST requests per person and per organisation, chat turns per person.

    One instance per process, shared by the REST API and the Slack listener so a person's chat
    allowance is the same whichever way they write.
    """

    def __init__(self, settings: Settings, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.enabled = settings.rate_limit_enabled
        self.person = TokenBuckets(settings.rate_person_per_minute / 60, settings.rate_person_burst, clock=clock)
        self.org = TokenBuckets(settings.rate_org_per_minute / 60, settings.rate_org_burst, clock=clock)
        self.chat = TokenBuckets(settings.rate_chat_per_minute / 60, settings.rate_chat_burst, clock=clock)

    def _take_all(self, checks: list[tuple[TokenBuckets, str]]) -> Decision:
        if not self.enabled:
            return Decision(True, 0.0)
        # Look at every bucket first and take only when all allow: a refused request costs nothing.
        decisions = [buckets.peek(key) for buckets, key in checks]
        refused = [d for d in decisions if not d.allowed]
        if refused:
            return Decision(False, max(d.retry_after for d in refused))
        for buckets, key in checks:
            buckets.take(key)
        return Decision(True, 0.0)

    def request(self, org_id: UUID, person_id: UUID | None) -> Decision:
        """One API request by ``person_id`` (None: not yet known) of ``org_id``."""
        checks = [(self.org, str(org_id))]
        if person_id is not None:
            checks.append((self.person, str(person_id)))
        return self._take_all(checks)

    def chat_turn(self, org_id: UUID, person_id: UUID) -> Decision:
        """One chat message, on any channel."""
        return self._take_all([(self.chat, f"{org_id}:{person_id}")])


def too_many_requests_message(decision: Decision) -> str:
    seconds = decision.retry_after_header
    return f"Too many requests: please wait {seconds} second{'s' if seconds != '1' else ''} and try again."
