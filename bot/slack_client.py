"""The Web API client: pointed at SLACK_API_URL when set, and patient with Slack's limits.

A sweep's chat.postMessage calls (made inside ``paced_posts()``, which
``flows/delivery.deliver`` uses) are paced here before Slack has to refuse anything: at
most one post a second to a channel and at most ``POST_MESSAGE_PER_MINUTE`` posts in any
minute from this process (Slack's documented per-channel rule and its workspace-wide
budget). A sweep with 1,000 DMs to send spends the budget, then waits for it, instead of
firing them all and leaning on 429s. A one-off post answering someone goes at once.

When Slack answers 429 anyway (another process spent the budget, or Slack's is smaller
than ours), every paced post from this process waits out the Retry-After, not just the one
that was refused.

A pacer belongs to one workspace (Slack counts "per API method per workspace per app"): in
single-workspace mode the one client has the one pacer; with many workspaces each keeps a
client of its own (its token set on it, refreshed in place), so one busy workspace never
slows another's sweep. Several threads may post through one pacer at once (a sweep keeps
a few posts in flight per workspace, ``flows/fan_out.py``): a post takes its place in the
budget when it starts and counts from when it finished, so no number of threads can
overspend it.
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler, default_interval_calculator
from slack_sdk.http_retry.interval_calculator import RetryIntervalCalculator
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web import SlackResponse

from bot.settings import Settings

SLACK_API_URL = "https://slack.com/api/"

# The error codes (a refused call's "error") that Coach acts on, named in one place.
# The bot token itself is refused: nothing else in a sweep can succeed.
TOKEN_REFUSED = frozenset({"invalid_auth", "not_authed", "token_revoked", "token_expired"})
# This message can never be delivered as addressed: retrying would only repeat the error.
UNDELIVERABLE = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "user_not_found",
        "user_disabled",
        "account_inactive",
        "cannot_dm_bot",
        "msg_too_long",
        "invalid_blocks",
    }
)
# A channel the bot cannot post in: it is not a member, or the channel is gone.
NOT_IN_CHANNEL = frozenset({"not_in_channel"})
CHANNEL_GONE = frozenset({"channel_not_found", "is_archived"})
# Slack's own failures: the call may have taken effect before Slack failed to say so.
OUTCOME_UNKNOWN = frozenset(
    {"internal_error", "fatal_error", "request_timeout", "service_unavailable"}
)
# Calls that must never be repeated on a 5xx or a dropped connection: the first may have
# posted already, and a repeat is a second message in someone's DM.
NOT_REPEATABLE = frozenset(
    {"chat.postMessage", "chat.postEphemeral", "chat.meMessage", "chat.scheduleMessage"}
)
USER_NOT_FOUND = "user_not_found"  # users.info: the id names nobody in the workspace
ALREADY_REACTED = "already_reacted"  # reactions.add: the message already has that reaction

# Slack: "chat.postMessage generally allows posting one message per second per channel,
# while also maintaining a workspace-wide limit". The workspace figure is not published;
# this is a cautious one, and a 429's Retry-After corrects it if Slack's is lower.
POST_MESSAGE_PER_MINUTE = 600
POST_MESSAGE_CHANNEL_INTERVAL = 1.0  # seconds between two posts to one channel
RATE_LIMIT_RETRIES = 3
_WINDOW = 60.0  # seconds: the per-minute budget is counted over any 60 seconds
_IN_FLIGHT_POLL = 0.01  # look again this soon while the post we wait for is still in flight
_PRUNE_ABOVE = 1024  # channels remembered before forgetting those whose second is over

_PACED: ContextVar[bool] = ContextVar("coach_paced_posts", default=False)


@contextmanager
def paced_posts() -> Iterator[None]:
    """Posts made inside this block (in this thread) wait their turn with the pacer."""
    token = _PACED.set(True)
    try:
        yield
    finally:
        _PACED.reset(token)


class _Post:
    """One post's place in the budget; it counts from when it finished, once it has."""

    __slots__ = ("finished",)

    def __init__(self) -> None:
        self.finished: float | None = None


class PostPacer:
    """Spaces chat.postMessage calls to Slack's limits, shared by every thread of a process.

    ``clock`` (monotonic seconds) and ``sleep`` are injectable so tests need not wait.
    Times count from when a post *finished*, so a post Slack received late can never make
    the next one early by Slack's clock.
    """

    def __init__(
        self,
        *,
        per_minute: int = POST_MESSAGE_PER_MINUTE,
        channel_interval: float = POST_MESSAGE_CHANNEL_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_minute < 1 or channel_interval < 0:
            raise ValueError("per_minute must be at least 1 and channel_interval not negative")
        self.per_minute = per_minute
        self.channel_interval = channel_interval
        self.clock = clock
        self.sleep = sleep
        self._lock = threading.Lock()
        self._recent: deque[_Post] = deque(maxlen=per_minute)
        self._last_in: dict[str, _Post] = {}
        self._paused_until = float("-inf")
        self.waited = 0.0  # seconds spent waiting for a turn, in total
        self.rate_limited = 0  # 429s Slack answered to posts, in total

    @contextmanager
    def turn(self, channel: str) -> Iterator[None]:
        """Wait until a post to ``channel`` may start; its time counts from the block's end."""
        post = self._acquire(channel)
        try:
            yield
        finally:
            with self._lock:
                post.finished = self.clock()

    def back_off(self, seconds: float) -> None:
        """Slack said 429: no post from this process for ``seconds``."""
        with self._lock:
            self.rate_limited += 1
            self._paused_until = max(self._paused_until, self.clock() + seconds)

    def wait_out_pause(self) -> None:
        """Sleep until a back-off is over (the refused post then goes again)."""
        while True:
            with self._lock:
                wait = self._paused_until - self.clock()
            if wait <= 0:
                return
            self._sleep(wait)

    def _acquire(self, channel: str) -> _Post:
        while True:
            with self._lock:
                now = self.clock()
                ready_at = self._ready_at(channel, now)
                if ready_at <= now:
                    post = _Post()
                    self._recent.append(post)
                    self._last_in[channel] = post
                    if len(self._last_in) > _PRUNE_ABOVE:
                        self._forget_quiet_channels(now)
                    return post
            self._sleep(ready_at - now)

    def _ready_at(self, channel: str, now: float) -> float:
        ready = self._paused_until
        if len(self._recent) == self.per_minute:  # the budget is spent: wait for the oldest
            ready = max(ready, _free_at(self._recent[0], _WINDOW, now))
        last = self._last_in.get(channel)
        if last is not None:
            ready = max(ready, _free_at(last, self.channel_interval, now))
        return ready

    def _forget_quiet_channels(self, now: float) -> None:
        self._last_in = {
            channel: post
            for channel, post in self._last_in.items()
            if post.finished is None or post.finished + self.channel_interval > now
        }

    def _sleep(self, seconds: float) -> None:
        self.sleep(seconds)
        with self._lock:
            self.waited += seconds


def _free_at(post: _Post, interval: float, now: float) -> float:
    return now + _IN_FLIGHT_POLL if post.finished is None else post.finished + interval


class PacedWebClient(WebClient):
    """A WebClient whose chat.postMessage calls inside ``paced_posts()`` take their turn
    with a ``PostPacer``."""

    def __init__(self, *args: Any, pacer: PostPacer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pacer = pacer

    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:
        if api_method != "chat.postMessage" or not _PACED.get():
            return super().api_call(api_method, **kwargs)
        with self.pacer.turn(_channel_of(kwargs)):
            return super().api_call(api_method, **kwargs)


def _channel_of(call: dict[str, Any]) -> str:
    for part in ("json", "data", "params"):
        values = call.get(part) or {}
        if values.get("channel"):
            return str(values["channel"])
    return ""


class RateLimitPacingRetryHandler(RetryHandler):
    """Waits out a 429's Retry-After and tries again; for chat.postMessage the whole pacer
    waits too, so other posts from this process do not run into the same limit."""

    def __init__(self, pacer: PostPacer, max_retry_count: int = RATE_LIMIT_RETRIES) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.pacer = pacer

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and response.status_code == 429

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        if response is None:  # pragma: no cover - _can_retry only lets 429 responses in
            raise error or RuntimeError("a 429 retry without a response")
        seconds = _retry_after(response)
        state.next_attempt_requested = True
        if request.url.rstrip("/").endswith("/chat.postMessage"):
            self.pacer.back_off(seconds)
            self.pacer.wait_out_pause()
        else:  # as slack_sdk's own handler does: Retry-After plus up to a second of jitter
            self.pacer.sleep(seconds + random.random())
        state.increment_current_attempt()


class RepeatableOnly:
    """Mixin for slack_sdk's 5xx and connection-error handlers: they never retry a call in
    NOT_REPEATABLE (a 429, which Slack answers before doing anything, still is retried)."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if _method_of(request.url) in NOT_REPEATABLE:
            return False
        return bool(
            super()._can_retry(  # type: ignore[misc]
                state=state, request=request, response=response, error=error
            )
        )


class RepeatableServerErrorRetryHandler(RepeatableOnly, ServerErrorRetryHandler):
    """Retries a 5xx answer, except to a call that may have posted something."""


class RepeatableConnectionErrorRetryHandler(RepeatableOnly, ConnectionErrorRetryHandler):
    """Retries a dropped connection, except for a call that may have posted something."""


def _method_of(url: str) -> str:
    return url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


def _retry_after(response: HttpResponse) -> float:
    for name, values in response.headers.items():
        if name.lower() == "retry-after" and values:
            value = values[0] if isinstance(values, list) else values
            try:
                return max(0.0, float(value))
            except ValueError:
                break
    return 1.0


@dataclass(frozen=True)
class ClientTiming:
    """How the client waits: between tries of a call that failed (slack_sdk's exponential
    back-off with jitter) and for a post's turn (the pacer's monotonic clock and sleep).

    Production waits for real, with these defaults. The composition root takes another
    timing so that tests can pass one that does not wait: the same retries in the same
    order, the same pacing measured on a clock that moves when someone sleeps on it.
    """

    retry_interval: RetryIntervalCalculator = default_interval_calculator
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep


def build_slack_client(
    settings: Settings, *, pacer: PostPacer | None = None, timing: ClientTiming | None = None
) -> WebClient:
    """A WebClient that paces its posts, waits out 429s (Retry-After) and retries dropped
    connections and 5xx answers, except for posts (see NOT_REPEATABLE)."""
    timing = timing or ClientTiming()
    pacer = pacer or PostPacer(clock=timing.clock, sleep=timing.sleep)
    after = timing.retry_interval
    return PacedWebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url or SLACK_API_URL,
        timeout=10,
        pacer=pacer,
        # slack_sdk's default set (one retry of a dropped connection), then ours.
        retry_handlers=[
            RepeatableConnectionErrorRetryHandler(max_retry_count=1, interval_calculator=after),
            RateLimitPacingRetryHandler(pacer),
            RepeatableServerErrorRetryHandler(max_retry_count=2, interval_calculator=after),
        ],
    )
