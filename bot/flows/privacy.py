"""Data rights: a person erasing what Coach holds about them; exports; retention."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import prompts
from bot.blocks.replies import Outcome, done
from bot.flows.installs import erase_uninstalled
from bot.services import Services
from storage.db import session_scope
from storage.privacy import (
    erase_person,
    export_rows,
    forget_old_check_in_notes,
    forget_processed_events,
    holds_workspace,
)

# Slack retries an event for at most an hour; a day of event ids is plenty.
EVENT_MEMORY = timedelta(days=1)


def forget_me(services: Services, *, team_id: str, user_id: str) -> Outcome:
    """Erase the presser (never anyone a payload names) in one transaction."""
    with session_scope(services.engine) as session:
        counts = erase_person(
            session=session, team_id=team_id, user_id=user_id, now=services.clock.now()
        )
    ended = counts["pairings ended as a manager"]
    tail = prompts.plural("privacy", "ended", ended) if ended else ""
    return done("privacy", "erased", ended=tail)


def export(services: Services, *, team_id: str, user_id: str | None) -> dict[str, Any]:
    with session_scope(services.engine) as session:
        rows = export_rows(session=session, team_id=team_id, user_id=user_id)
    return {"team_id": team_id, "user_id": user_id, **rows}


def workspace_known(services: Services, *, team_id: str) -> bool:
    with session_scope(services.engine) as session:
        return holds_workspace(session=session, team_id=team_id)


def holds_anything(data: dict[str, Any]) -> bool:
    """Whether an export has a row in any of its lists."""
    return any(value for value in data.values() if isinstance(value, list))


def run_retention_sweep(services: Services) -> str:
    """The retention sweep: blank check-in words past the configured age
    (COACH_CHECKIN_RETENTION_DAYS, 0 keeps them) and forget Slack event ids older than a
    retry could be. Like every sweep it may run at any moment, any number of times."""
    now = services.clock.now()
    days = services.settings.coach_checkin_retention_days
    with session_scope(services.engine) as session:
        blanked = (
            forget_old_check_in_notes(session=session, before=now - timedelta(days=days))
            if days
            else 0
        )
        forget_processed_events(session=session, before=now - EVENT_MEMORY)
    erased = erase_uninstalled(services)
    summary = f"{blanked} old check-in notes cleared"
    return f"{summary}, workspaces erased after an uninstall: {erased}" if erased else summary
