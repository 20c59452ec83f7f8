"""Slack's rate limits, for `Workspace.enforce_rate_limits`: each workspace counts its own.

Slack applies its limits "per API method per workspace per app": chat.postMessage allows
about one message a second per channel under a workspace-wide budget it does not publish,
and every other method has a tier, a number of calls a minute. One `Pacing` belongs to
one workspace (so to one bot token), and a call past a limit gets 429 with Retry-After.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Mapping

# Calls a minute by tier, at the floor Slack documents ("Tier 2: 20+ per minute"...).
TIER_PER_MINUTE = {1: 1, 2: 20, 3: 50, 4: 100}
# The tier of each method the emulator answers, as Slack's method reference lists it.
METHOD_TIERS = {
    "auth.test": 4,
    "chat.delete": 3,
    "chat.postEphemeral": 4,
    "chat.update": 3,
    "conversations.history": 3,
    "conversations.info": 3,
    "conversations.members": 4,
    "conversations.open": 3,
    "conversations.replies": 3,
    "reactions.add": 3,
    "users.info": 4,
    "users.list": 2,
    "views.open": 4,
    "views.publish": 4,
    "views.push": 4,
    "views.update": 4,
}


class Pacing:
    """Roughly Slack's limits for one workspace: about one chat.postMessage a second per
    channel and optionally a per-minute cap on them; with ``tiers``, every other method
    counted against its tier's calls a minute. Real (monotonic) time, because the client
    waits out `Retry-After` in real time."""

    def __init__(
        self,
        per_channel_per_second: float,
        per_minute: int | None,
        clock: Callable[[], float] = time.monotonic,
        *,
        tiers: Mapping[str, int] | None = None,
    ) -> None:
        if per_channel_per_second <= 0 or (per_minute is not None and per_minute <= 0):
            raise ValueError("rate limits must be positive")
        if tiers is not None and any(limit <= 0 for limit in tiers.values()):
            raise ValueError("rate limits must be positive")
        self.interval = 1.0 / per_channel_per_second
        self.per_minute = per_minute
        self.tiers = dict(tiers or {})
        self.clock = clock
        self.last_post: dict[str, float] = {}
        self.recent: deque[float] = deque()
        self.recent_calls: dict[str, deque[float]] = {}
        self.refused = 0  # 429s answered
        self.busiest_minute = 0  # the most posts counted in any 60 s

    def retry_after(self, channel_key: str) -> int | None:
        """Seconds to wait before posting to this channel, or None (and the post is counted)."""
        now = self.clock()
        waits = []
        last = self.last_post.get(channel_key)
        if last is not None and now - last < self.interval:
            waits.append(self.interval - (now - last))
        _forget_older(self.recent, now)
        if self.per_minute is not None and len(self.recent) >= self.per_minute:
            waits.append(60 - (now - self.recent[0]))
        if waits:
            self.refused += 1
            return max(1, math.ceil(max(waits)))
        self.last_post[channel_key] = now
        self.recent.append(now)
        self.busiest_minute = max(self.busiest_minute, len(self.recent))
        return None

    def retry_after_call(self, method: str) -> int | None:
        """For a method other than chat.postMessage: seconds to wait, or None (counted)."""
        limit = self.tiers.get(method)
        if limit is None:
            return None
        now = self.clock()
        calls = self.recent_calls.setdefault(method, deque())
        _forget_older(calls, now)
        if len(calls) >= limit:
            self.refused += 1
            return max(1, math.ceil(60 - (now - calls[0])))
        calls.append(now)
        return None


def _forget_older(times: deque[float], now: float) -> None:
    while times and now - times[0] >= 60:
        times.popleft()


def tier_limits(methods: Mapping[str, int] = METHOD_TIERS) -> dict[str, int]:
    """Calls a minute for each method, from its tier."""
    return {method: TIER_PER_MINUTE[tier] for method, tier in methods.items()}
