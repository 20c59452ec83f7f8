"""Modal submissions."""

from __future__ import annotations

from functools import partial

from slack_bolt import App

from bot import slack_ids
from bot.listeners.guard import guarded
from bot.listeners.views.calendar_modal import handle_calendar_submission
from bot.listeners.views.goal_modal import handle_goal_submission
from bot.listeners.views.pick_rep import handle_pick_rep
from bot.services import Services


def register(app: App, services: Services) -> None:
    app.view(slack_ids.VIEW_PICK_REP)(guarded(partial(handle_pick_rep, services)))
    app.view(slack_ids.VIEW_GOAL)(guarded(partial(handle_goal_submission, services)))
    app.view(slack_ids.VIEW_CALENDAR)(guarded(partial(handle_calendar_submission, services)))
