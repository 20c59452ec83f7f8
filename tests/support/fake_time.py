"""Time that passes when someone sleeps on it, for the Web API client's waits in tests.

Why: the pacer's one-second spacing and slack_sdk's exponential back-off are real waits in
production; a test of a storm of faults would spend a minute in them. Injected through the
composition root (``ClientTiming``), this clock makes every wait instant while the pacer
still measures its spacing and budget on it, so posts keep their order and their rates.
"""

from __future__ import annotations

import threading

from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator

from bot.slack_client import ClientTiming


class FakeTime:
    """A monotonic clock that moves only when someone sleeps (or a post takes time)."""

    def __init__(self) -> None:
        self.now = 1_000.0
        self.slept: list[float] = []
        self._lock = threading.Lock()

    def clock(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        # Several threads sleeping at once add up: waits only ever end later, never early.
        with self._lock:
            self.slept.append(seconds)
            self.now += seconds

    def pass_(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


def instant_timing(fake: FakeTime | None = None) -> ClientTiming:
    """Retries at once, and a pacer on ``fake`` (a new one unless given)."""
    fake = fake or FakeTime()
    return ClientTiming(
        retry_interval=FixedValueRetryIntervalCalculator(0.0), clock=fake.clock, sleep=fake.sleep
    )
