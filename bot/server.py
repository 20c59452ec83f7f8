"""HTTP mode on gunicorn (uvicorn workers, see bot/worker.py), or Socket Mode when
SLACK_APP_TOKEN is set.

The scheduler, when wanted, runs in gunicorn's master process rather than in a worker,
so there is exactly one however many workers serve requests.
"""

from __future__ import annotations

import gc
import logging
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter

from bot.asgi import AsgiFront
from bot.memory import limit_malloc_arenas
from bot.scheduler import build_scheduler
from bot.settings import Settings
from bot.web import build_wsgi
from bot.wiring import build_coach

logger = logging.getLogger(__name__)


class CoachHTTPServer(BaseApplication):  # type: ignore[misc]
    """gunicorn, configured in code so that ``coach serve`` is the whole deployment story."""

    def __init__(self, settings: Settings, *, run_scheduler: bool) -> None:
        self.settings = settings
        self.run_scheduler = run_scheduler
        self._scheduler: Any = None
        super().__init__()

    def load_config(self) -> None:
        settings = self.settings
        config = {
            "bind": bind_address(settings.host, settings.port),
            "workers": settings.coach_web_workers,
            "worker_class": "bot.worker.CoachWorker",
            "timeout": 30,
            "graceful_timeout": settings.coach_graceful_timeout,
            "keepalive": 5,
            "proc_name": "coach",
            "accesslog": None,
            "loglevel": settings.coach_log_level.lower(),
            "when_ready": self._start_scheduler,
            "on_exit": self._stop_scheduler,
        }
        for key, value in config.items():
            self.cfg.set(key, value)

    def load(self) -> AsgiFront:
        """Runs in each worker after the fork: every worker has its own engine and pool."""
        services, app = build_coach(self.settings, migrate=False)
        drain_for = max(1.0, self.settings.coach_graceful_timeout / 2)
        return AsgiFront(
            build_wsgi(app, services),
            threads=self.settings.coach_web_threads,
            on_shutdown=lambda: services.after_ack.stop(drain_for),
        )

    def _start_scheduler(self, arbiter: Arbiter) -> None:
        if not self.run_scheduler:
            return
        services, _ = build_coach(self.settings, migrate=False)
        self._scheduler = build_scheduler(services, background=True)
        self._scheduler.start()
        logger.info("scheduler started in the master process")

    def _stop_scheduler(self, arbiter: Arbiter) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=True)


def bind_address(host: str, port: int) -> str:
    """gunicorn's ``bind``: an IPv6 address goes in brackets, or its colons read as a port."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def serve_http(settings: Settings, *, run_scheduler: bool) -> None:
    limit_malloc_arenas()
    # Everything imported so far is shared with the workers gunicorn forks; frozen objects
    # are never visited by a worker's garbage collector, so their pages stay shared.
    gc.freeze()
    CoachHTTPServer(settings, run_scheduler=run_scheduler).run()


def serve_socket_mode(settings: Settings, *, run_scheduler: bool) -> None:
    """Socket Mode: Slack connects out to us, so no public URL and no signing secret needed."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    services, app = build_coach(settings, migrate=False)
    scheduler = build_scheduler(services, background=True) if run_scheduler else None
    if scheduler is not None:
        scheduler.start()
    try:
        SocketModeHandler(app, settings.slack_app_token).start()
    finally:
        # As a worker does (bot/worker.py): queued answers are dropped and logged, not
        # worked through for minutes after the stop was asked for.
        services.after_ack.stop(max(1.0, settings.coach_graceful_timeout / 2))
        if scheduler is not None:
            scheduler.shutdown(wait=True)
