"""The calendar's buttons: the manager's answer about a series matched by its title, and
"that didn't happen" on a 1:1 counted from the calendar. Payload values are only claims:
the flows check the pairing is the presser's."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, Respond

from bot.blocks.replies import build_outcome
from bot.flows.calendars import answer_series_question, undo_calendar_one_on_one
from bot.flows.home import refresh_home
from bot.listeners.actions.replies import answer_privately, button_number
from bot.services import Services


def handle_series_answer(
    services: Services, ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
) -> None:
    ack()
    team_id, manager_id = body["team"]["id"], body["user"]["id"]
    raw = (action.get("selected_option") or {}).get("value") or action.get("value") or ""
    series, pairing_id = _series_value(raw)
    if not series:
        return
    outcome = answer_series_question(
        services, team_id=team_id, manager_id=manager_id, series=series, pairing_id=pairing_id
    )
    notice = build_outcome(outcome)
    respond(replace_original=True, text=notice.text, blocks=notice.blocks)
    refresh_home(services, team_id=team_id, user_id=manager_id)


def handle_calendar_undo(
    services: Services, ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
) -> None:
    ack()
    team_id, manager_id = body["team"]["id"], body["user"]["id"]
    outcome = undo_calendar_one_on_one(
        services, team_id=team_id, manager_id=manager_id, one_on_one_id=button_number(action)
    )
    answer_privately(respond, build_outcome(outcome))
    refresh_home(services, team_id=team_id, user_id=manager_id)


def _series_value(raw: str) -> tuple[str, int | None]:
    """(series, pairing id or None for "not a 1:1") from a button's JSON; ("", None) if odd."""
    try:
        value = json.loads(raw) if len(raw) < 500 else {}
    except ValueError:
        return "", None
    if not isinstance(value, dict):
        return "", None
    series, pairing = value.get("s"), value.get("p")
    if not isinstance(series, str) or not series.isalnum() or len(series) > 40:
        return "", None
    return series, pairing if isinstance(pairing, int) else None
