"""Slack listeners, one folder per surface, each with ``register(app, services)``."""

from __future__ import annotations

from functools import partial

from slack_bolt import App

from bot.listeners import actions, commands, events, shortcuts, views
from bot.listeners.clean_text import strip_control_characters
from bot.listeners.request_id import tag_request
from bot.listeners.ssl_check import answer_ssl_check
from bot.listeners.workspace import remember_workspace
from bot.services import Services


def register_listeners(app: App, services: Services) -> None:
    app.middleware(tag_request)
    app.middleware(strip_control_characters)
    app.middleware(answer_ssl_check)
    app.middleware(partial(remember_workspace, services))
    events.register(app, services)
    commands.register(app, services)
    actions.register(app, services)
    shortcuts.register(app, services)
    views.register(app, services)
