"""Slash commands: everything arrives through ``/coach``."""

from __future__ import annotations

from functools import partial

from slack_bolt import App

from bot import slack_ids
from bot.listeners.commands.coach import handle_coach
from bot.listeners.guard import guarded
from bot.services import Services


def register(app: App, services: Services) -> None:
    app.command(slack_ids.COMMAND)(guarded(partial(handle_coach, services)))
