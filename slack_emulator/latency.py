"""How long the fake Slack takes to answer: a fixed or sampled delay per call.

Why: against a fake that answers in a millisecond, sending one message after another
looks fast, and a bound on how many calls are in flight costs nothing; real Slack takes
100–300 ms a call, and then it is the bound. Half of each delay passes before the call
takes effect (the request on its way) and half after (the answer on its way back), so a
post can have landed while its sender is still waiting, as with Slack.

Written as Slack latencies are quoted: ``150ms``, ``0.15s``, ``100-300ms`` (uniform
between the two), or ``0`` for none. ``SLACK_EMULATOR_LATENCY`` sets it for an emulator
built without one (tests, ``coach try``, the benchmarks' emulator process).
"""

from __future__ import annotations

import os
import random
import re
from dataclasses import dataclass

LATENCY_ENV = "SLACK_EMULATOR_LATENCY"
_SPEC = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:-\s*(\d+(?:\.\d+)?)\s*)?(ms|s)?\s*$")


@dataclass(frozen=True)
class Latency:
    """A delay in seconds for each call, uniform in [low, high] (fixed when equal)."""

    low: float = 0.0
    high: float = 0.0

    def __post_init__(self) -> None:
        if self.low < 0 or self.high < self.low:
            raise ValueError("latency must be 0 or more, and its range low-high")

    @classmethod
    def parse(cls, spec: str) -> Latency:
        """``150ms``, ``0.15s``, ``100-300ms`` or ``0``; ValueError naming what to write."""
        match = _SPEC.match(spec)
        if match is None:
            raise ValueError(f"latency {spec!r}: write it as 150ms, 0.15s or 100-300ms")
        scale = 1.0 if match.group(3) == "s" else 0.001
        low = float(match.group(1)) * scale
        high = float(match.group(2)) * scale if match.group(2) else low
        return cls(low, high)

    @classmethod
    def from_env(cls) -> Latency:
        spec = os.environ.get(LATENCY_ENV, "").strip()
        return cls.parse(spec) if spec else cls()

    @property
    def none(self) -> bool:
        return self.high == 0

    def sample(self) -> float:
        """One call's delay, in seconds."""
        return self.low if self.low == self.high else random.uniform(self.low, self.high)

    def __str__(self) -> str:
        if self.low == self.high:
            return f"{self.low * 1000:g}ms"
        return f"{self.low * 1000:g}-{self.high * 1000:g}ms"
