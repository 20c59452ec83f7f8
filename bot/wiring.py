"""The composition root: settings → engine → services → app. Nothing else builds these."""

from __future__ import annotations

from slack_bolt import App

from bot.after_ack import AfterAckExecutor
from bot.app import build_app
from bot.clock import Clock, SystemClock
from bot.installations import build_installation_clients
from bot.reframer import build_reframer
from bot.services import Services
from bot.settings import Settings
from bot.slack_client import ClientTiming, build_slack_client
from storage.db import make_engine
from storage.migrate import upgrade


def build_services(
    settings: Settings, *, clock: Clock | None = None, slack_timing: ClientTiming | None = None
) -> Services:
    """``clock`` and ``slack_timing`` default to real time; the sandbox and the tests pass
    their own clock (days pass at once), the tests a timing too (Slack's back-offs do)."""
    engine = make_engine(settings.database_url, pool_size=settings.coach_web_threads)
    return Services(
        settings=settings,
        engine=engine,
        clock=clock or SystemClock(),
        slack=build_slack_client(settings, timing=slack_timing),
        reframer=build_reframer(settings),
        after_ack=AfterAckExecutor(
            max_workers=settings.coach_listener_threads, max_queued=settings.coach_after_ack_queue
        ),
        # Installed by "Add to Slack": each workspace speaks with its own (rotating) token.
        clients=(
            build_installation_clients(settings, engine, timing=slack_timing)
            if settings.oauth_enabled
            else None
        ),
    )


def build_coach(
    settings: Settings,
    *,
    clock: Clock | None = None,
    slack_timing: ClientTiming | None = None,
    migrate: bool = True,
) -> tuple[Services, App]:
    """Everything a process needs to answer Slack; migrates the schema first when asked."""
    services = build_services(settings, clock=clock, slack_timing=slack_timing)
    if migrate:
        upgrade(services.engine)
    return services, build_app(services)
