"""A circuit breaker around the language-model provider, one per process.

Closed: calls go through. Open: after ``failures`` consecutive failures, or at once after a
timeout (a slow provider would make every turn wait out the full budget), calls are skipped and
the rule-based planner answers. Half-open: after the cool-down one trial call goes through; its
success closes the breaker, its failure opens it again for another cool-down.
"""

import time
from collections.abc import Callable
from typing import Literal

State = Literal["closed", "open", "half_open"]


class CircuitBreaker:
    def __init__(
        self, *, failures: int = 3, cooldown_seconds: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.failures = failures
        self.cooldown_seconds = cooldown_seconds
        self._clock = clock
        self._consecutive = 0
        self._opened_at: float | None = None
        self._trial_in_flight = False

    @property
    def state(self) -> State:
        if self._opened_at is None:
            return "closed"
        if self._clock() - self._opened_at >= self.cooldown_seconds:
            return "half_open"
        return "open"

    def allow(self) -> bool:
        """Whether to call the provider now; in half-open state only one trial at a time."""
        state = self.state
        if state == "closed":
            return True
        if state == "open" or self._trial_in_flight:
            return False
        self._trial_in_flight = True
        return True

    def record_success(self) -> None:
        self._consecutive = 0
        self._opened_at = None
        self._trial_in_flight = False

    def record_failure(self, *, timeout: bool = False) -> None:
        self._consecutive += 1
        half_open_trial = self._trial_in_flight
        self._trial_in_flight = False
        if timeout or half_open_trial or self._consecutive >= self.failures:
            self._opened_at = self._clock()

    def seconds_until_retry(self) -> float:
        if self._opened_at is None:
            return 0.0
        return max(0.0, self.cooldown_seconds - (self._clock() - self._opened_at))
