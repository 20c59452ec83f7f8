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


def test_sweeps_run_on_weekday_mornings_monday_digest_hourly_check_ins_and_nightly_retention(
    tmp_path: object,
) -> None:
    friday_evening = _services(datetime(2026, 11, 27, 20, 0, tzinfo=UTC), tmp_path)
    assert _next_runs(friday_evening) == {
        "cadence": datetime(2026, 11, 30, 9, 0, tzinfo=UTC),  # skips the weekend
        "digest": datetime(2026, 11, 30, 9, 30, tzinfo=UTC),
        "checkins": datetime(2026, 11, 27, 20, 5, tzinfo=UTC),
        "retention": datetime(2026, 11, 28, 3, 15, tzinfo=UTC),
    }
    scheduler = build_scheduler(friday_evening, background=True)
    scheduler.start(paused=True)
    try:
        jobs = _jobs(scheduler)
        # Nothing to catch up at 20:00.
        assert set(jobs) == {"cadence", "checkins", "digest", "retention"}
        assert all(job.coalesce and job.max_instances == 1 for job in jobs.values())
    finally:
        scheduler.shutdown(wait=False)


def test_sweep_hour_and_zone_are_configurable(tmp_path: object) -> None:
    services = _services(
        datetime(2026, 11, 23, 20, 0, tzinfo=UTC),
        tmp_path,
        coach_timezone="Europe/Berlin",
        coach_sweep_hour=7,
    )
    run = _next_runs(services)["cadence"]
    assert (run.hour, run.utcoffset().total_seconds()) == (7, 3600)


def test_missed_morning_runs_are_caught_up_once(tmp_path: object) -> None:
    restarted_at = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)  # down over Monday 09:00 and 09:30
    scheduler = build_scheduler(_services(restarted_at, tmp_path), background=True)
    scheduler.start(paused=True)
    try:
        catch_ups = sorted(job_id for job_id in _jobs(scheduler) if job_id.startswith("catch-up"))
        assert catch_ups == ["catch-up:cadence", "catch-up:digest"]
    finally:
        scheduler.shutdown(wait=False)
