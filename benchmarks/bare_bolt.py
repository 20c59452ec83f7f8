"""Bare Bolt: a ``/coach`` that only acks, on exactly Coach's server stack.

The yardstick for Coach's ack latency. It is served by ``CoachHTTPServer`` itself (the same
gunicorn uvicorn workers, ASGI front, threads, keep-alive and timeouts, from the same
settings), with
a Bolt listener pool of the same size, behind the same signature check; only the app
differs. Configured from the environment like ``coach serve``:

    SLACK_BOT_TOKEN=… SLACK_SIGNING_SECRET=… SLACK_API_URL=… PORT=3001 \
        python benchmarks/bare_bolt.py
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from bot.asgi import AsgiFront
from bot.server import CoachHTTPServer
from bot.settings import Settings, load_settings
from bot.slack_client import SLACK_API_URL
from bot.web import EVENTS_PATH, HEALTH_PATH


def build_bare_app(settings: Settings) -> App:
    app = App(
        signing_secret=settings.slack_signing_secret,
        client=WebClient(
            token=settings.slack_bot_token, base_url=settings.slack_api_url or SLACK_API_URL
        ),
        token_verification_enabled=False,
        listener_executor=ThreadPoolExecutor(max_workers=settings.coach_listener_threads),
    )

    @app.command("/coach")
    def only_ack(ack: Ack) -> None:
        ack()

    return app


class BareBoltServer(CoachHTTPServer):
    """Coach's gunicorn configuration, loading bare Bolt instead of Coach in each worker."""

    def load(self) -> AsgiFront:
        slack = SlackRequestHandler(build_bare_app(self.settings), path=EVENTS_PATH)

        def application(environ: Any, start_response: Any) -> Iterable[bytes]:
            if environ.get("PATH_INFO") == HEALTH_PATH:  # only so the benchmark sees it is up
                start_response("200 OK", [("Content-Type", "text/plain")])
                return [b"ok"]
            return slack(environ, start_response)

        return AsgiFront(application, threads=self.settings.coach_web_threads)


if __name__ == "__main__":
    BareBoltServer(load_settings(), run_scheduler=False).run()
