"""The periodic sweeps, by name, as ``coach tick --job NAME`` and the scheduler know them.

Each sweep decides what is due from the database and the sent-message ledger alone, so it
can run at any moment, any number of times, from any number of processes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.flows.cadence_sweep import run_cadence_sweep
from bot.flows.calendars import run_calendar_sweep
from bot.flows.checkin_sweep import run_checkin_sweep
from bot.flows.delivery import SweepAborted
from bot.flows.digest_sweep import run_digest_sweep
from bot.flows.fan_out import WorkspacesRefused
from bot.flows.leader_summary import run_leader_sweep
from bot.flows.privacy import run_retention_sweep
from bot.services import Services

logger = logging.getLogger(__name__)

Sweep = Callable[[Services], str]

# Name → function returning a one-line summary, in the order `coach tick` runs them.
SWEEPS: dict[str, Sweep] = {
    # Calendars first: a 1:1 held or booked in a manager's calendar counts before nudging.
    "calendars": run_calendar_sweep,
    "cadence": run_cadence_sweep,
    "checkins": run_checkin_sweep,
    "digest": run_digest_sweep,
    "leaders": run_leader_sweep,
    "retention": run_retention_sweep,
}


def run_sweep(services: Services, name: str) -> tuple[bool, str]:
    """(completed, one-line summary); a refused bot token stops the sweep, said once.
    With many workspaces, one whose token is refused stops alone and the rest are swept."""
    try:
        return True, SWEEPS[name](services)
    except WorkspacesRefused as error:  # the others were swept; each refusal was logged
        teams = ", ".join(sorted(error.refused))
        message = (
            f"{error.summary}; Slack refused the token of {len(error.refused)} workspaces ({teams})"
        )
        logger.error("%s sweep %s", name, message)
        return False, message
    except SweepAborted as error:
        fix = (
            "a workspace may have removed Coach"
            if services.settings.oauth_enabled
            else "check SLACK_BOT_TOKEN"
        )
        message = f"stopped: Slack refused the bot token ({error}); {fix}"
        logger.error("%s sweep %s", name, message)
        return False, message
