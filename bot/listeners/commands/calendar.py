"""``/coach calendar`` (the form for the secret iCal address) and ``/coach calendar off``."""

from __future__ import annotations

from bot.blocks.calendar import build_calendar_modal
from bot.blocks.replies import Notice, build_notice, build_outcome
from bot.flows import calendars
from bot.listeners.commands.context import CommandContext
from bot.services import Services


def handle_calendar(services: Services, ctx: CommandContext) -> Notice | None:
    """The form, unless this Coach cannot keep a secret: then say so at once, privately,
    rather than take an address it would have to refuse."""
    if not calendars.can_store_secrets(services):
        return build_notice("calendar", "no_key")
    connected = calendars.connected_hint(services, team_id=ctx.team_id, manager_id=ctx.user_id)
    modal = build_calendar_modal(connected)
    services.slack_for(ctx.team_id).views_open(trigger_id=ctx.trigger_id, view=modal)
    return None


def handle_calendar_off(services: Services, ctx: CommandContext) -> Notice:
    return build_outcome(
        calendars.disconnect_calendar(services, team_id=ctx.team_id, manager_id=ctx.user_id)
    )
