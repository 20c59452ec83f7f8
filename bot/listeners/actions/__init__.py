"""Buttons: each re-checks that the person pressing it may do what it says."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

from slack_bolt import App

from bot import slack_ids
from bot.listeners.actions.calendar import handle_calendar_undo, handle_series_answer
from bot.listeners.actions.forget import handle_forget_cancel, handle_forget_confirm
from bot.listeners.actions.goal import (
    handle_check_in_button,
    handle_goal_close,
    handle_goal_edit,
    handle_home_set_goal,
)
from bot.listeners.actions.nudge import (
    handle_nudge_log,
    handle_nudge_log_date,
    handle_nudge_snooze,
)
from bot.listeners.actions.pairing import handle_pairing_answer
from bot.listeners.actions.plan import (
    handle_plan_agenda,
    handle_plan_log,
    handle_plan_page,
    handle_plan_prep,
)
from bot.listeners.actions.reframe import (
    handle_reframe_agenda,
    handle_reframe_dismiss,
    handle_reframe_send,
)
from bot.listeners.guard import guarded
from bot.services import Services


def register(app: App, services: Services) -> None:
    def serve(handler: Callable[..., None]) -> Callable[..., None]:
        return guarded(partial(handler, services))

    app.action(slack_ids.ACTION_FORGET_CONFIRM)(serve(handle_forget_confirm))
    for action_id in (
        slack_ids.ACTION_CALENDAR_SERIES_YES,
        slack_ids.ACTION_CALENDAR_SERIES_NO,
        slack_ids.ACTION_CALENDAR_SERIES_PICK,
    ):
        app.action(action_id)(serve(handle_series_answer))
    app.action(slack_ids.ACTION_CALENDAR_UNDO)(serve(handle_calendar_undo))
    app.action(slack_ids.ACTION_FORGET_CANCEL)(guarded(handle_forget_cancel))
    for action_id in (slack_ids.ACTION_PAIRING_ACCEPT, slack_ids.ACTION_PAIRING_DECLINE):
        app.action(action_id)(serve(handle_pairing_answer))
    app.action(slack_ids.ACTION_PLAN_LOG)(serve(handle_plan_log))
    app.action(slack_ids.ACTION_PLAN_PREP)(serve(handle_plan_prep))
    app.action(slack_ids.ACTION_PLAN_AGENDA)(serve(handle_plan_agenda))
    app.action(re.compile(f"^{slack_ids.ACTION_PLAN_PAGE}:"))(serve(handle_plan_page))
    app.action(slack_ids.ACTION_NUDGE_LOG)(serve(handle_nudge_log))
    app.action(slack_ids.ACTION_NUDGE_SNOOZE)(serve(handle_nudge_snooze))
    app.action(slack_ids.ACTION_NUDGE_LOG_DATE)(serve(handle_nudge_log_date))
    app.action(slack_ids.ACTION_REFRAME_SEND)(serve(handle_reframe_send))
    app.action(slack_ids.ACTION_REFRAME_AGENDA)(serve(handle_reframe_agenda))
    app.action(slack_ids.ACTION_REFRAME_DISMISS)(guarded(handle_reframe_dismiss))
    app.action(slack_ids.ACTION_GOAL_EDIT)(serve(handle_goal_edit))
    app.action(slack_ids.ACTION_HOME_SET_GOAL)(serve(handle_home_set_goal))
    for action_id in (slack_ids.ACTION_GOAL_ACHIEVED, slack_ids.ACTION_GOAL_DROP):
        app.action(action_id)(serve(handle_goal_close))
    for action_id in (
        slack_ids.ACTION_CHECKIN_ON_TRACK,
        slack_ids.ACTION_CHECKIN_STUCK,
        slack_ids.ACTION_CHECKIN_ACHIEVED,
    ):
        app.action(action_id)(serve(handle_check_in_button))
