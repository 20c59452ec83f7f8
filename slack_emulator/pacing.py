"""Slack's rate limits on chat.postMessage, for `Workspace.enforce_rate_limits`."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable


class Pacing:
    """Roughly Slack's chat.postMessage limits: about one message per second per channel,
    and optionally a workspace-wide cap per minute. Real (monotonic) time, because the client
    waits out `Retry-After` in real time."""

    def __init__(
        self,
        per_channel_per_second: float,
        per_minute: int | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_channel_per_second <= 0 or (per_minute is not None and per_minute <= 0):
            raise ValueError("rate limits must be positive")
        self.interval = 1.0 / per_channel_per_second
        self.per_minute = per_minute
        self.clock = clock
        self.last_post: dict[str, float] = {}
        self.recent: deque[float] = deque()

    def retry_after(self, channel_key: str) -> int | None:
        """Seconds to wait before posting to this channel, or None (and the post is counted)."""
        now = self.clock()
        waits = []
        last = self.last_post.get(channel_key)
        if last is not None and now - last < self.interval:
            waits.append(self.interval - (now - last))
        while self.recent and now - self.recent[0] >= 60:
            self.recent.popleft()
        if self.per_minute is not None and len(self.recent) >= self.per_minute:
            waits.append(60 - (now - self.recent[0]))
        if waits:
            return max(1, math.ceil(max(waits)))
        self.last_post[channel_key] = now
        self.recent.append(now)
        return None
