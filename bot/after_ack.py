"""Work that follows an ack runs where it cannot delay the next ack.

Slack gives a request 3 seconds to be acked and 30 minutes to be answered through its
response_url. When a burst of ``/coach plan`` keeps every core busy, the acks must win:
so the answer is built on threads of its own, which the OS schedules after everything
else (a higher nice value; Linux sets it per thread). Bolt's listener threads then only
parse and ack, as bare Bolt's do. The price is paid only under overload, and by the
answer, which arrives a little later instead of the ack arriving too late.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable

from bot.logs import ContextCarryingExecutor

logger = logging.getLogger(__name__)

AFTER_ACK_NICENESS = 10


class AfterAckExecutor(ContextCarryingExecutor):
    """A pool whose threads run at a lower OS priority than the ones that ack."""

    def __init__(self, max_workers: int) -> None:
        super().__init__(
            max_workers=max_workers,
            thread_name_prefix="coach-after-ack",
            initializer=_lower_priority,
        )

    def queue(self, work: Callable[[], None], on_error: Callable[[Exception], None]) -> None:
        """Queue ``work``; a failure goes to ``on_error`` (the person is told to try again)."""

        def guarded() -> None:
            try:
                work()
            except Exception as error:
                on_error(error)

        self.submit(guarded)


def _lower_priority() -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), AFTER_ACK_NICENESS)
    except (AttributeError, OSError):  # not Linux: same priority, still off the ack path
        logger.debug("could not lower the after-ack threads' priority")
