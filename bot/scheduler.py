"""APScheduler wiring only: when each sweep runs. What is due comes from the database.

The scheduler is a clock, not a memory: a sweep run late, twice, or from two processes
sends nothing twice (the ledger sees to that). So catching up after downtime is simply
running, once, each sweep whose scheduled time passed within the last few hours.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.flows.sweeps import SWEEPS, run_sweep
from bot.services import Services

logger = logging.getLogger(__name__)

# A run missed while the process was down is caught up once within this window.
MISFIRE_GRACE = timedelta(hours=6)
# The cadence, digest and check-in sweeps run every half hour or hour and reach each
# person at their own local hour (bot.domain.hours), so they need no catching up: their
# next run is never far away, and it still falls within that person's morning.
CATCH_UP = ("retention",)
# Every half hour: zones half an hour off UTC (India, Newfoundland) get 09:00 on the dot.
PEOPLES_HOURS = "0,30"
# Calendar feeds are read once an hour, a few minutes before the hour's nudges.
CALENDAR_MINUTE = 55
# Retention runs daily in the small hours, when nothing else is being sent.
RETENTION_HOUR = 3


def build_scheduler(services: Services, *, background: bool) -> Any:
    """A scheduler with one cron job per sweep, plus one catch-up run for any just missed."""
    settings = services.settings
    scheduler_class = BackgroundScheduler if background else BlockingScheduler
    scheduler = scheduler_class(
        timezone=settings.coach_timezone,
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": int(MISFIRE_GRACE.total_seconds()),
        },
    )
    triggers = sweep_triggers(services)
    for name, trigger in triggers.items():
        scheduler.add_job(_run, trigger, args=(services, name), id=name, name=f"sweep:{name}")
    daily_or_weekly = {name: t for name, t in triggers.items() if name in CATCH_UP}
    for name in missed_sweeps(daily_or_weekly, services.clock.now()):
        logger.info("catching up the %s sweep missed while Coach was down", name)
        scheduler.add_job(_run, args=(services, name), id=f"catch-up:{name}")
    return scheduler


def sweep_triggers(services: Services) -> dict[str, CronTrigger]:
    """When each sweep wakes. Only retention keeps an hour of its own, in COACH_TIMEZONE:
    the others decide, person by person, whether it is their hour (COACH_SWEEP_HOUR for
    nudges and digests, COACH_CHECKIN_HOUR for check-ins) in their own Slack time zone."""
    zone = services.settings.coach_timezone
    triggers = {
        "cadence": CronTrigger(minute=PEOPLES_HOURS, timezone=zone),
        "digest": CronTrigger(minute=PEOPLES_HOURS, timezone=zone),
        # Each leader's weekly summary, an hour after the nudges on their own clock.
        "leaders": CronTrigger(minute=PEOPLES_HOURS, timezone=zone),
        # Check-ins at 5 past (and 35 past, for zones half an hour off UTC) the rep's hour.
        "checkins": CronTrigger(minute="5,35", timezone=zone),
        "retention": CronTrigger(hour=RETENTION_HOUR, minute=15, timezone=zone),
        # Calendar feeds hourly, just before the half-hourly nudges of the hour.
        "calendars": CronTrigger(minute=CALENDAR_MINUTE, timezone=zone),
    }
    return {name: trigger for name, trigger in triggers.items() if name in SWEEPS}


def missed_sweeps(triggers: dict[str, CronTrigger], now: datetime) -> list[str]:
    """Sweeps whose last scheduled time fell within the grace window before ``now``."""
    missed = []
    for name, trigger in triggers.items():
        fire = trigger.get_next_fire_time(None, now - MISFIRE_GRACE)
        if fire is not None and fire <= now:
            missed.append(name)
    return missed


def _run(services: Services, name: str) -> None:
    completed, summary = run_sweep(services, name)
    if completed:
        logger.info("sweep %s: %s", name, summary)
