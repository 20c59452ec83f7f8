"""The calendar form: the address is checked (its shape only) in the ack, so a typo gets an
inline error; fetching, storing and what was found follow after the ack, said in a DM.

The address is a secret: it is never logged, and errors name at most its host.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

import prompts
from bot import slack_ids as ids
from bot.blocks.replies import build_outcome
from bot.flows import calendars
from bot.flows.home import refresh_home
from bot.listeners.guard import report_unhandled
from bot.services import Services


def handle_calendar_submission(
    services: Services, ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
) -> None:
    team_id, manager_id = body["team"]["id"], body["user"]["id"]
    values = view.get("state", {}).get("values", {})
    typed = (values.get(ids.BLOCK_CALENDAR_URL, {}).get(ids.ACTION_CALENDAR_URL) or {}).get(
        "value"
    ) or ""
    if not calendars.can_store_secrets(services):
        error = prompts.text("calendar", "no_key")
        ack(response_action="errors", errors={ids.BLOCK_CALENDAR_URL: error})
        return
    problem = calendars.check_typed_address(services, typed)
    if problem is not None:
        error = prompts.text("calendar", f"problems.{problem}", host="that address")
        ack(
            response_action="errors", errors={ids.BLOCK_CALENDAR_URL: error[:1].upper() + error[1:]}
        )
        return
    ack()

    def connect() -> None:
        outcome = calendars.connect_calendar(
            services, team_id=team_id, manager_id=manager_id, typed=typed
        )
        notice = build_outcome(outcome)
        client.chat_postMessage(channel=manager_id, text=notice.text, blocks=notice.blocks)
        refresh_home(services, team_id=team_id, user_id=manager_id)

    services.after_ack.queue(
        connect, lambda error: report_unhandled(error, _without_view(body), None)
    )


def _without_view(body: dict[str, Any]) -> dict[str, Any]:
    """The payload without the form's values: an error report must not carry the address."""
    return {key: value for key, value in body.items() if key != "view"}
