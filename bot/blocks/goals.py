"""Focus goals: the confirmation with its buttons, the modal, /coach goals, the check-in DM."""

from __future__ import annotations

import json
from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    DatePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
)
from slack_sdk.models.views import View

import prompts
from bot import slack_ids as ids
from bot.blocks.escape import escape_mrkdwn
from bot.blocks.parts import button, context, section
from bot.blocks.replies import Notice, notice_of
from bot.domain.cadence import format_day
from bot.domain.goals import MAX_BEHAVIOUR, MAX_MEASURE, FocusGoal, GoalSaved, GoalsOverview
from bot.domain.reframing import COMPETENCIES, competency_label


def build_goal_saved(saved: GoalSaved) -> Notice:
    values = describe_goal(saved.goal)
    if saved.manager_id:
        text = prompts.text("goals", "set", manager=saved.manager_id, **values)
    else:
        text = prompts.text("goals", "set_no_manager", **values)
    if saved.replaced:
        text += " " + prompts.text("goals", "replaced")
    return Notice(text=text, blocks=[section(text), goal_buttons(saved.goal)])


def describe_goal(goal: FocusGoal) -> dict[str, str]:
    """The values every goal message fills in, escaped for Slack."""
    return {
        "behaviour": escape_mrkdwn(goal.behaviour),
        "competency": competency_label(goal.competency),
        "target": format_day(goal.target_date) if goal.target_date else "no date",
    }


def goal_buttons(goal: FocusGoal) -> ActionsBlock:
    value = str(goal.id)
    return ActionsBlock(
        block_id=f"goal:{goal.id}",
        elements=[
            button(prompts.text("goals", "edit_button"), ids.ACTION_GOAL_EDIT, value),
            button(
                prompts.text("goals", "achieved_button"),
                ids.ACTION_GOAL_ACHIEVED,
                value,
                style="primary",
            ),
            button(prompts.text("goals", "drop_button"), ids.ACTION_GOAL_DROP, value),
        ],
    )


def build_goal_modal(default_target: date, goal: FocusGoal | None = None) -> View:
    """The goal form, prefilled when editing; ``private_metadata`` names the goal edited."""
    words = prompts.load("goals")["modal"]
    options = [Option(value=c, label=competency_label(c)) for c in COMPETENCIES]
    initial = next((o for o in options if goal and o.value == goal.competency), None)
    return View(
        type="modal",
        callback_id=ids.VIEW_GOAL,
        private_metadata=json.dumps({"goal_id": goal.id if goal else None}),
        title=PlainTextObject(text=words["title"]),
        submit=PlainTextObject(text=words["submit"]),
        close=PlainTextObject(text=words["cancel"]),
        blocks=[
            InputBlock(
                block_id=ids.BLOCK_GOAL_COMPETENCY,
                label=PlainTextObject(text=words["competency"]),
                element=StaticSelectElement(
                    action_id=ids.ACTION_GOAL_INPUT, options=options, initial_option=initial
                ),
            ),
            InputBlock(
                block_id=ids.BLOCK_GOAL_BEHAVIOUR,
                label=PlainTextObject(text=words["behaviour"]),
                hint=PlainTextObject(text=words["behaviour_hint"]),
                element=PlainTextInputElement(
                    action_id=ids.ACTION_GOAL_INPUT,
                    multiline=True,
                    max_length=MAX_BEHAVIOUR,
                    initial_value=goal.behaviour if goal else None,
                ),
            ),
            InputBlock(
                block_id=ids.BLOCK_GOAL_MEASURE,
                label=PlainTextObject(text=words["measure"]),
                optional=True,
                element=PlainTextInputElement(
                    action_id=ids.ACTION_GOAL_INPUT,
                    max_length=MAX_MEASURE,
                    initial_value=goal.measure if goal and goal.measure else None,
                ),
            ),
            InputBlock(
                block_id=ids.BLOCK_GOAL_TARGET,
                label=PlainTextObject(text=words["target"]),
                optional=True,
                element=DatePickerElement(
                    action_id=ids.ACTION_GOAL_INPUT,
                    initial_date=(
                        goal.target_date if goal and goal.target_date else default_target
                    ).isoformat(),
                ),
            ),
        ],
    )


def build_goals_overview(overview: GoalsOverview) -> Notice:
    lines: list[str] = []
    if overview.active is not None:
        lines.append(prompts.text("goals", "list.heading", **describe_goal(overview.active)))
        if overview.active.measure:
            measure = escape_mrkdwn(overview.active.measure)
            lines.append(prompts.text("goals", "list.measure", measure=measure))
    elif not overview.history:
        return notice_of(prompts.text("goals", "no_goals"))
    else:
        lines.append(prompts.text("goals", "list.no_focus"))
    if overview.check_ins:
        lines.append(prompts.text("goals", "list.check_ins"))
        for check_in in overview.check_ins:
            note = f": “{escape_mrkdwn(check_in.note[:200])}”" if check_in.note else ""
            lines.append(
                prompts.text(
                    "goals",
                    "list.check_in_line",
                    date=format_day(check_in.on),
                    status=prompts.text("goals", f"status.{check_in.status}"),
                    note=note,
                )
            )
    if overview.history:
        lines.append(prompts.text("goals", "list.history"))
        for goal in overview.history:
            lines.append(
                prompts.text(
                    "goals",
                    "list.history_line",
                    status=prompts.text("goals", f"status.{goal.status}"),
                    date=format_day(goal.closed_on or goal.set_on),
                    **describe_goal(goal),
                )
            )
    text = "\n".join(lines)
    blocks: list[Block] = [section(text[:2900])]
    if overview.active is not None:
        blocks.append(goal_buttons(overview.active))
    return Notice(text=text, blocks=blocks)


def build_check_in(goal: FocusGoal, manager_id: str | None) -> tuple[str, list[Block]]:
    values = describe_goal(goal)
    question = prompts.text("goals", "checkin.question", **values)
    invite = (
        prompts.text("goals", "checkin.invite", manager=manager_id)
        if manager_id
        else prompts.text("goals", "checkin.invite_no_manager")
    )
    value = str(goal.id)
    buttons = [
        ("checkin.on_track_button", ids.ACTION_CHECKIN_ON_TRACK, "primary"),
        ("checkin.stuck_button", ids.ACTION_CHECKIN_STUCK, None),
        ("checkin.achieved_button", ids.ACTION_CHECKIN_ACHIEVED, None),
    ]
    blocks: list[Block] = [
        section(question),
        ActionsBlock(
            block_id=f"checkin:{goal.id}",
            elements=[
                button(prompts.text("goals", key), action, value, style=style)
                for key, action, style in buttons
            ],
        ),
        context(invite),
    ]
    return prompts.text("goals", "checkin.fallback", behaviour=values["behaviour"]), blocks
