"""Shortcuts: "Reframe as coaching" on any message."""

from __future__ import annotations

from functools import partial

from slack_bolt import App

from bot import slack_ids
from bot.listeners.guard import guarded
from bot.listeners.shortcuts.reframe_as_coaching import handle_reframe_shortcut
from bot.services import Services


def register(app: App, services: Services) -> None:
    app.shortcut(slack_ids.SHORTCUT_REFRAME)(guarded(partial(handle_reframe_shortcut, services)))
