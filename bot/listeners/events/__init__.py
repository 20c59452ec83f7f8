"""Events API: a de-duplicating middleware first, then one listener per event type."""

from __future__ import annotations

import re
from functools import partial

from slack_bolt import App

from bot.listeners.events.app_home_opened import handle_app_home_opened
from bot.listeners.events.dedupe import skip_retried_events
from bot.listeners.events.direct_message import handle_direct_message, is_person_in_dm
from bot.listeners.events.feedback_message import handle_feedback_message, is_feedback_message
from bot.listeners.events.ignored import handle_ignored_event
from bot.listeners.events.uninstall import handle_app_uninstalled, handle_tokens_revoked
from bot.services import Services


def register(app: App, services: Services) -> None:
    app.middleware(partial(skip_retried_events, services))
    app.event("message", matchers=[is_feedback_message])(partial(handle_feedback_message, services))
    app.event("app_home_opened")(partial(handle_app_home_opened, services))
    app.event("message", matchers=[is_person_in_dm])(partial(handle_direct_message, services))
    app.event("app_uninstalled")(partial(handle_app_uninstalled, services))
    app.event("tokens_revoked")(partial(handle_tokens_revoked, services))
    # Last, so it only sees what no listener above wanted: acked, so Slack stops retrying.
    app.event(re.compile(".*"))(handle_ignored_event)
