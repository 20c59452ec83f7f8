"""HTTP mode on gunicorn (uvicorn workers, see bot/worker.py), or Socket Mode when
SLACK_APP_TOKEN is set.

The scheduler, when wanted, runs in gunicorn's master process rather than in a worker,
so there is exactly one however many workers serve requests.
"""

from __future__ import annotations

import gc
import logging
import threading
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter
from gunicorn.config import Config
from gunicorn.glogging import Logger as GunicornLogger

from bot.asgi import AsgiFront
from bot.memory import limit_malloc_arenas
from bot.scheduler import build_scheduler
from bot.settings import Settings
from bot.startup import SlackAuth
from bot.web import WsgiApp, build_health_wsgi, build_wsgi
from bot.wiring import build_coach

logger = logging.getLogger(__name__)


class CoachHTTPServer(BaseApplication):
    """gunicorn, configured in code so that ``coach serve`` is the whole deployment story."""

    def __init__(self, settings: Settings, *, run_scheduler: bool, slack_state: str) -> None:
        self.settings = settings
        self.run_scheduler = run_scheduler
        self.slack_state = slack_state
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
            "logger_class": LinesThroughCoach,
            "when_ready": self._start_scheduler,
            "on_exit": self._stop_scheduler,
        }
        for key, value in config.items():
            self.cfg.set(key, value)

    def load(self) -> AsgiFront:
        """Runs in each worker after the fork: every worker has its own engine and pool."""
        services, app = build_coach(self.settings, migrate=False)
        drain_for = max(1.0, self.settings.coach_graceful_timeout / 2)
        # What the master's auth.test found; a worker keeps checking while Slack is away.
        slack_auth = SlackAuth(self.settings, state=self.slack_state)
        slack_auth.retry_in_background()

        def shutdown() -> None:
            slack_auth.stop()
            services.after_ack.stop(drain_for)

        return AsgiFront(
            build_wsgi(app, services, slack_auth=slack_auth),
            threads=self.settings.coach_web_threads,
            on_shutdown=shutdown,
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


class LinesThroughCoach(GunicornLogger):
    """gunicorn's loggers without gunicorn's handlers: its lines go up to the root logger,
    so they are formatted like Coach's own (JSON with ``COACH_LOG_JSON``), secrets masked."""

    def setup(self, cfg: Config) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in list(log.handlers):
                log.removeHandler(handler)
            log.propagate = True


def bind_address(host: str, port: int) -> str:
    """gunicorn's ``bind``: an IPv6 address goes in brackets, or its colons read as a port."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def serve_http(settings: Settings, *, run_scheduler: bool, slack_state: str = "ok") -> None:
    limit_malloc_arenas()
    # Everything imported so far is shared with the workers gunicorn forks; frozen objects
    # are never visited by a worker's garbage collector, so their pages stay shared.
    gc.freeze()
    CoachHTTPServer(settings, run_scheduler=run_scheduler, slack_state=slack_state).run()


def serve_socket_mode(settings: Settings, *, run_scheduler: bool, slack_state: str = "ok") -> None:
    """Socket Mode: Slack connects out to us, so no public URL and no signing secret needed.
    ``/healthz`` is still served on PORT, for a container's health check."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    services, app = build_coach(settings, migrate=False)
    slack_auth = SlackAuth(settings, state=slack_state)
    slack_auth.retry_in_background()
    handler = SocketModeHandler(app, settings.slack_app_token)
    health = _serve_health(
        settings, build_health_wsgi(services, slack_auth, handler.client.is_connected)
    )
    scheduler = build_scheduler(services, background=True) if run_scheduler else None
    if scheduler is not None:
        scheduler.start()
    try:
        handler.start()  # type: ignore[no-untyped-call]  # slack_bolt leaves it unannotated
    finally:
        health.shutdown()
        slack_auth.stop()
        # As a worker does (bot/worker.py): queued answers are dropped and logged, not
        # worked through for minutes after the stop was asked for.
        services.after_ack.stop(max(1.0, settings.coach_graceful_timeout / 2))
        if scheduler is not None:
            scheduler.shutdown(wait=True)


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """A health check every few seconds is not worth a log line each."""


def _serve_health(settings: Settings, application: WsgiApp) -> WSGIServer:
    server = make_server(
        settings.host,  # as the HTTP server listens: HOST, 0.0.0.0 unless set
        settings.port,
        application,
        server_class=_ThreadingWSGIServer,
        handler_class=_QuietHandler,
    )
    threading.Thread(target=server.serve_forever, name="coach-healthz", daemon=True).start()
    logger.info("Socket Mode: /healthz on %s:%s", settings.host, settings.port)
    return server
