"""The App Home view: the team board for managers, the focus page for reps."""

from __future__ import annotations

from datetime import date, timedelta

from slack_sdk.models.blocks import ActionsBlock, Block, DividerBlock, HeaderBlock
from slack_sdk.models.views import View

import prompts
from bot import slack_ids as ids
from bot.blocks.goals import build_goals_overview
from bot.blocks.insights import build_leader_section
from bot.blocks.parts import button, context, section
from bot.blocks.plan import streak_text
from bot.blocks.team import STATUS_EMOJI, describe_status, due_words
from bot.domain.cadence import Status, format_day, week_start
from bot.domain.home import HomeData
from bot.domain.plans import RepPlan, TeamPlan

LINES_PER_SECTION = 20  # keeps each section well under Slack's 3,000 characters


def build_home(data: HomeData) -> View:
    blocks: list[Block] = []
    if data.team is not None:
        blocks.extend(_team_board(data.team))
    if data.leading is not None:
        blocks.append(DividerBlock())
        blocks.extend(build_leader_section(data.leading))
    if data.focus is not None:
        if blocks:
            blocks.append(DividerBlock())
        blocks.append(HeaderBlock(text=prompts.text("plans", "home.rep_heading")))
        blocks.extend(build_goals_overview(data.focus).blocks)
        label = "update_goal_button" if data.focus.active else "set_goal_button"
        blocks.append(_set_goal_button(label))
    if not blocks:
        blocks = [
            HeaderBlock(text=prompts.text("plans", "home.start_heading")),
            section(prompts.text("plans", "home.start")),
            _set_goal_button("set_goal_button"),
        ]
    return View(type="home", blocks=blocks[:100])


def _team_board(plan: TeamPlan) -> list[Block]:
    streak = streak_text(plan)
    lines = [_board_line(rep, plan.today) for rep in plan.reps]
    sunday = week_start(plan.today) + timedelta(days=6)
    due = [
        f"<@{rep.facts.rep_id}>"
        for rep in plan.reps
        if rep.facts.state.status is not Status.PAUSED and rep.facts.state.next_due <= sunday
    ]
    due_line = (
        prompts.text("plans", "home.due_this_week", reps=", ".join(due))
        if due
        else prompts.text("plans", "home.nothing_due")
    )
    blocks: list[Block] = [
        HeaderBlock(text=prompts.text("plans", "home.manager_heading")),
        context(streak),
        section(due_line),
    ]
    for start in range(0, len(lines), LINES_PER_SECTION):
        chunk = "\n".join(lines[start : start + LINES_PER_SECTION])
        blocks.append(section(chunk))
    return blocks


def _board_line(rep: RepPlan, today: date) -> str:
    """One rep on the board: a past due date reads "was due", and a snooze says so."""
    facts = rep.facts
    snoozed = (
        prompts.text("plans", "home.snoozed", date=format_day(facts.snoozed_until))
        if facts.snoozed_until is not None and facts.snoozed_until > today
        else ""
    )
    line = prompts.text(
        "plans",
        "home.board_line",
        emoji=STATUS_EMOJI[facts.state.status],
        rep=facts.rep_id,
        status=describe_status(facts.state),
        due=due_words(facts.state),
        snoozed=snoozed,
    )
    if facts.next_one_on_one:
        line += " · " + prompts.text("calendar", "next_one_on_one", when=facts.next_one_on_one)
    return line


def _set_goal_button(label_key: str) -> ActionsBlock:
    return ActionsBlock(
        block_id="home:goal",
        elements=[
            button(prompts.text("plans", f"home.{label_key}"), ids.ACTION_HOME_SET_GOAL, "goal")
        ],
    )
