"""Every slash command, action_id, callback_id and shortcut id Coach uses, defined once.

The manifest, the listeners and the block builders all import from here, so a rename
cannot leave a button that nothing listens to.
"""

from __future__ import annotations

COMMAND = "/coach"

# Shortcuts
SHORTCUT_REFRAME = "reframe_as_coaching"

# Buttons on the cadence nudge
ACTION_NUDGE_LOG = "nudge_log_held"
ACTION_NUDGE_SNOOZE = "nudge_snooze"
# The nudge's date picker: "it was on another day" (the block id carries the pairing id)
ACTION_NUDGE_LOG_DATE = "nudge_log_date"

# Buttons on a reframe, and the rep picker behind them
ACTION_REFRAME_SEND = "reframe_send"
ACTION_REFRAME_AGENDA = "reframe_agenda"
ACTION_REFRAME_DISMISS = "reframe_dismiss"
VIEW_PICK_REP = "reframe_pick_rep"
BLOCK_PICK_REP = "rep"
ACTION_PICK_REP = "rep_select"

# Focus goals: the modal, the buttons on a goal, and the weekly check-in
VIEW_GOAL = "goal_modal"
BLOCK_GOAL_COMPETENCY = "competency"
BLOCK_GOAL_BEHAVIOUR = "behaviour"
BLOCK_GOAL_MEASURE = "measure"
BLOCK_GOAL_TARGET = "target"
ACTION_GOAL_INPUT = "value"
ACTION_GOAL_EDIT = "goal_edit"
ACTION_GOAL_ACHIEVED = "goal_achieved"
ACTION_GOAL_DROP = "goal_drop"
ACTION_CHECKIN_ON_TRACK = "checkin_on_track"
ACTION_CHECKIN_STUCK = "checkin_stuck"
ACTION_CHECKIN_ACHIEVED = "checkin_achieved"

# /coach plan
ACTION_PLAN_LOG = "plan_log_today"
ACTION_PLAN_PREP = "plan_send_prep"
ACTION_PLAN_AGENDA = "plan_full_agenda"
ACTION_PLAN_PAGE = "plan_page"

# App Home
ACTION_HOME_SET_GOAL = "home_set_goal"

# A rep's answer to a new manager's invitation
ACTION_PAIRING_ACCEPT = "pairing_accept"
ACTION_PAIRING_DECLINE = "pairing_decline"

# /coach forget me
ACTION_FORGET_CONFIRM = "forget_confirm"
ACTION_FORGET_CANCEL = "forget_cancel"

# Calendar feeds (issue 19): the connect modal, the question about a series matched by its
# title, and "that didn't happen" on a 1:1 counted from the calendar
VIEW_CALENDAR = "calendar_modal"
BLOCK_CALENDAR_URL = "calendar_url"
ACTION_CALENDAR_URL = "calendar_url_value"
ACTION_CALENDAR_SERIES_YES = "calendar_series_yes"
ACTION_CALENDAR_SERIES_NO = "calendar_series_no"
ACTION_CALENDAR_SERIES_PICK = "calendar_series_pick"
ACTION_CALENDAR_UNDO = "calendar_undo"
