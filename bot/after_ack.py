"""Work that follows an ack runs where it cannot delay the next ack.

Slack gives a request 3 seconds to be acked and 30 minutes to be answered through its
response_url. When a burst of ``/coach plan`` keeps every core busy, the acks must win:
so the answer is built on threads of its own, which the OS schedules after everything
else (a higher nice value; Linux sets it per thread). Bolt's listener threads then only
parse and ack, as bare Bolt's do. The price is paid only under overload, and by the
answer, which arrives a little later instead of the ack arriving too late.

The queue is bounded: past ``max_queued`` waiting answers (a hanging model, a database
crawling) new work is refused at once with :class:`Busy`, and the person is told to try
again in a minute instead of waiting behind a queue that may never drain. ``stop`` ends
the pool for a graceful shutdown: what is still waiting is dropped (and logged as such),
what is running gets until the deadline.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future

from bot.logs import ContextCarryingExecutor

logger = logging.getLogger(__name__)

AFTER_ACK_NICENESS = 10
DEFAULT_MAX_QUEUED = 256


class Busy(Exception):
    """The after-ack queue is full, or the process is stopping: the work was not queued."""


class AfterAckExecutor(ContextCarryingExecutor):
    """A pool whose threads run at a lower OS priority than the ones that ack."""

    def __init__(self, max_workers: int, *, max_queued: int = DEFAULT_MAX_QUEUED) -> None:
        super().__init__(
            max_workers=max_workers,
            thread_name_prefix="coach-after-ack",
            initializer=_lower_priority,
        )
        self.max_workers = max_workers
        self.max_queued = max_queued
        self._gate = threading.RLock()  # a done callback may run inside queue()
        self._pending: dict[Future[None], str] = {}
        self._stopping = False
        self.refused = 0  # work refused as busy, in total

    def queue(self, work: Callable[[], None], on_error: Callable[[Exception], None]) -> None:
        """Queue ``work``; a failure goes to ``on_error`` (the person is told to try again),
        and so does a refusal (``Busy``: told Coach is busy), on the caller's thread."""

        def guarded() -> None:
            try:
                work()
            except Exception as error:
                on_error(error)

        with self._gate:
            waiting = len(self._pending) - self.max_workers
            refuse = self._stopping or waiting >= self.max_queued
            if not refuse:
                try:
                    future = self.submit(guarded)
                except RuntimeError:  # the interpreter is shutting down: nothing was queued
                    refuse = True
                else:
                    self._pending[future] = _name_of(work)
                    future.add_done_callback(self._forget)
        if refuse:
            self.refused += 1
            on_error(Busy("stopping" if self._stopping else "queue full"))

    def stop(self, deadline: float) -> list[str]:
        """Refuse new work, drop what waits, give what runs until ``deadline`` seconds.

        Returns what was dropped or still running at the deadline (logged, one line each,
        never the work's data): a graceful stop must end within its timeout, and a queue
        working on after its master is gone helps nobody."""
        with self._gate:
            self._stopping = True
        ends_at = time.monotonic() + deadline
        with self._gate:
            pending = dict(self._pending)
        dropped = [name for future, name in pending.items() if future.cancel()]
        super().shutdown(wait=False, cancel_futures=True)
        while self._pending and time.monotonic() < ends_at:
            time.sleep(0.05)
        with self._gate:
            unfinished = dropped + list(self._pending.values())
        for name in unfinished:
            logger.warning("after-ack work dropped at shutdown: %s", name)
        return unfinished

    def _forget(self, future: Future[None]) -> None:
        with self._gate:
            self._pending.pop(future, None)


def _name_of(work: Callable[[], None]) -> str:
    return str(getattr(work, "__qualname__", None) or getattr(work, "__name__", "work"))


def _lower_priority() -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), AFTER_ACK_NICENESS)
    except (AttributeError, OSError):  # not Linux: same priority, still off the ack path
        logger.debug("could not lower the after-ack threads' priority")
