"""The Bolt app factory: one App per call, with no import-time globals."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, Respond

from bot.listeners import register_listeners
from bot.listeners.events.dedupe import release_failed_event
from bot.listeners.guard import report_unhandled
from bot.logs import ContextCarryingExecutor
from bot.oauth import build_oauth_flow
from bot.services import Services


def build_app(services: Services) -> App:
    """A Bolt app whose listeners all share ``services``.

    Bolt's listener pool defaults to 5 threads; a burst of /coach commands from a whole
    sales floor would queue behind slow Slack calls, so the pool is sized from settings.
    """
    settings = services.settings
    app = App(
        oauth_flow=build_oauth_flow(services) if settings.oauth_enabled else None,
        name="coach",
        signing_secret=settings.slack_signing_secret or "socket-mode-has-no-signing-secret",
        client=services.slack,
        # Verify lazily on the first request, so a start does not depend on Slack answering.
        token_verification_enabled=False,
        # Socket Mode connections are authenticated by the app token instead.
        request_verification_enabled=not settings.socket_mode,
        # Answered by our own middleware, after the signature check (see ssl_check.py).
        ssl_check_enabled=False,
        listener_executor=ContextCarryingExecutor(
            max_workers=settings.coach_listener_threads, thread_name_prefix="coach-listener"
        ),
        logger=_bolt_logger(),
    )
    register_listeners(app, services)

    def on_error(error: Exception, body: dict[str, Any], respond: Respond | None = None) -> None:
        # Events ack before their listener runs; their failures still end up here, and
        # a failed event's claim is released so that Slack's retry does the work.
        release_failed_event(services, body, error)
        report_unhandled(error, body, respond)

    app.error(on_error)
    return app


class _SkipClientTokenNotice(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN itself and then warns that our client's token wins; the
    client was built from that same variable, so the warning only alarms operators."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("As you gave `client` as well")


def _bolt_logger() -> logging.Logger:
    bolt = logging.getLogger("coach.bolt")
    if not any(isinstance(f, _SkipClientTokenNotice) for f in bolt.filters):
        bolt.addFilter(_SkipClientTokenNotice())
    return bolt
