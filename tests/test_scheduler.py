"""The scheduler runs each sweep on its cron, and catches up once after downtime."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.clock import SandboxClock
from bot.reframer import build_reframer
from bot.scheduler import build_scheduler, sweep_triggers
from bot.services import Services
from bot.slack_client import build_slack_client
from storage.db import make_engine
from tests.conftest import make_settings


def _services(at: datetime, tmp_path: object, **overrides: object) -> Services:
    settings = make_settings(f"sqlite:///{tmp_path}/s.db", "http://127.0.0.1:9/api/", **overrides)
    return Services(
        settings=settings,
        engine=make_engine(settings.database_url),
        clock=SandboxClock(start=at),
        slack=build_slack_client(settings),
        reframer=build_reframer(settings),
    )


def _jobs(scheduler: object) -> dict[str, object]:
    return {job.id: job for job in scheduler.get_jobs()}  # type: ignore[attr-defined]


def _next_runs(services: Services) -> dict[str, datetime]:
    """When each sweep fires next, after the services' clock (not the machine's)."""
    now = services.clock.now()
    return {
        name: trigger.get_next_fire_time(None, now)
        for name, trigger in sweep_triggers(services).items()
    }


def test_people_sweeps_wake_every_half_hour_and_retention_nightly(
    tmp_path: object,
) -> None:
    # Cadence and digest wake every half hour, every day: whether it is someone's weekday
    # morning is decided in their own zone (tests/domain/test_hours.py), not here.
    friday_evening = _services(datetime(2026, 11, 27, 20, 10, tzinfo=UTC), tmp_path)
    assert _next_runs(friday_evening) == {
        "cadence": datetime(2026, 11, 27, 20, 30, tzinfo=UTC),
        "digest": datetime(2026, 11, 27, 20, 30, tzinfo=UTC),
        "leaders": datetime(2026, 11, 27, 20, 30, tzinfo=UTC),
        "checkins": datetime(2026, 11, 27, 20, 35, tzinfo=UTC),
        "retention": datetime(2026, 11, 28, 3, 15, tzinfo=UTC),
        "calendars": datetime(2026, 11, 27, 20, 55, tzinfo=UTC),
    }
    scheduler = build_scheduler(friday_evening, background=True)
    scheduler.start(paused=True)
    try:
        jobs = _jobs(scheduler)
        assert set(jobs) == {"cadence", "checkins", "digest", "leaders", "retention", "calendars"}
        assert all(job.coalesce and job.max_instances == 1 for job in jobs.values())
    finally:
        scheduler.shutdown(wait=False)


def test_the_retention_hour_keeps_coach_timezone(tmp_path: object) -> None:
    services = _services(
        datetime(2026, 11, 23, 20, 0, tzinfo=UTC), tmp_path, coach_timezone="Europe/Berlin"
    )
    run = _next_runs(services)["retention"]
    assert (run.hour, run.minute, run.utcoffset().total_seconds()) == (3, 15, 3600)


def test_only_a_missed_retention_run_is_caught_up(tmp_path: object) -> None:
    # Down over 03:15: retention runs once on restart. The people sweeps need no catching
    # up: the next half-hourly run still falls within each person's morning window.
    restarted_at = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)
    scheduler = build_scheduler(_services(restarted_at, tmp_path), background=True)
    scheduler.start(paused=True)
    try:
        catch_ups = sorted(job_id for job_id in _jobs(scheduler) if job_id.startswith("catch-up"))
        assert catch_ups == ["catch-up:retention"]
    finally:
        scheduler.shutdown(wait=False)
