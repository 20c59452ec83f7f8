"""The gunicorn worker ``coach serve`` runs: uvicorn's, made to stop when it should.

- **Slow clients cost no thread.** uvicorn reads requests on an event loop; the ASGI
  front (``bot/asgi.py``) hands a request to a thread only once it is whole.
- **It dies with its master.** The kernel sends it SIGTERM when the master dies
  (``PR_SET_PDEATHSIG`` on Linux), and a watcher thread checks the parent's pid too
  (other systems, or a master that died before the worker asked). uvicorn's own worker
  does neither, and gthread's only notices between requests: workers kept running for
  minutes after a platform killed their master at the end of its stop timeout.
- **A stop ends within gunicorn's graceful timeout.** On SIGTERM the requests in flight
  get a quarter of it, the after-ack queue half (what waits is dropped and logged), and
  at the timeout less a second the process exits whatever still runs.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import threading
from types import FrameType
from typing import Any, ClassVar

from gunicorn.arbiter import Arbiter
from uvicorn.config import Config
from uvicorn.server import Server
from uvicorn_worker import UvicornWorker

logger = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1  # <sys/prctl.h>
MASTER_POLL_SECONDS = 0.5


class CoachWorker(UvicornWorker):  # type: ignore[misc]
    """uvicorn on asyncio and h11 (pure Python: nothing to compile), with lifespan events,
    so the app drains its after-ack queue when the server stops."""

    CONFIG_KWARGS: ClassVar[dict[str, Any]] = {"loop": "asyncio", "http": "h11", "lifespan": "on"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.config.timeout_graceful_shutdown = max(1.0, self.cfg.graceful_timeout / 4)
        # UvicornWorker hands uvicorn gunicorn's handlers and stops it propagating; gunicorn's
        # have none here (bot.server.LinesThroughCoach), so uvicorn's lines go up to the root
        # logger's one handler too, formatted like every other line.
        for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
            uvicorn_log = logging.getLogger(name)
            uvicorn_log.handlers = []
            uvicorn_log.propagate = True

    def init_process(self) -> None:
        _die_with_parent()
        threading.Thread(target=self._watch_master, name="coach-master-watch", daemon=True).start()
        super().init_process()

    def _watch_master(self) -> None:
        """SIGTERM ourselves (a graceful stop) once the master is gone."""
        while os.getppid() == self.ppid:
            threading.Event().wait(MASTER_POLL_SECONDS)
        logger.warning("the master process is gone: worker %s stops", os.getpid())
        os.kill(os.getpid(), signal.SIGTERM)

    async def _serve(self) -> None:
        self.config.app = self.wsgi
        server = _StoppingServer(config=self.config, deadline=self.cfg.graceful_timeout - 1)
        self._install_sigquit_handler()
        await server.serve(sockets=self.sockets)
        if not server.started:
            sys.exit(Arbiter.WORKER_BOOT_ERROR)


class _StoppingServer(Server):
    """uvicorn's server, whose first stop signal also starts the hard deadline."""

    def __init__(self, config: Config, *, deadline: float) -> None:
        super().__init__(config)
        self._deadline = max(1.0, deadline)
        self._timer: threading.Timer | None = None

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self._timer is None:
            self._timer = threading.Timer(self._deadline, _exit_now, args=(self._deadline,))
            self._timer.daemon = True
            self._timer.start()
        super().handle_exit(sig, frame)


def _exit_now(deadline: float) -> None:
    logger.error("worker %s busy %.0f s after its stop signal: exiting", os.getpid(), deadline)
    logging.shutdown()
    os._exit(1)


def _die_with_parent() -> None:
    """Ask Linux to SIGTERM this process when its parent dies (nothing elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        logger.debug("prctl(PR_SET_PDEATHSIG) unavailable; the watcher thread still stops us")
