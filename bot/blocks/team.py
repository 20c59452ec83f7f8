"""``/coach team``: one compact row per rep, most overdue first."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block

import prompts
from bot import slack_ids
from bot.blocks.parts import button, context, section
from bot.blocks.replies import Notice, build_notice
from bot.domain.cadence import CadenceState, Status, TeamLine, format_day

# Block Kit allows 50 blocks in a message; one is the heading and one the footer.
MAX_ROWS = 45

STATUS_EMOJI = {
    Status.ON_CADENCE: ":large_green_circle:",
    Status.DUE_TODAY: ":large_yellow_circle:",
    Status.OVERDUE: ":red_circle:",
    Status.PAUSED: ":double_vertical_bar:",
}


def describe_status(state: CadenceState) -> str:
    if state.status is Status.OVERDUE:
        return prompts.plural("team", "status.overdue", state.days_overdue)
    return prompts.text("team", f"status.{state.status.value}")


def due_words(state: CadenceState) -> str:
    """ "next due Thu 12 Nov", or "was due …" once that day has passed: never a past date
    offered as the next one."""
    key = "home.was_due" if state.status is Status.OVERDUE else "home.next_due"
    return prompts.text("plans", key, date=format_day(state.next_due))


def build_team_list(lines: list[TeamLine]) -> Notice:
    if not lines:
        return build_notice("team", "empty_team")
    heading = prompts.plural("team", "team_heading", len(lines))
    blocks: list[Block] = [section(f"*{heading}*")]
    for line in lines[:MAX_ROWS]:
        blocks.append(section(_row(line)))
    if len(lines) > MAX_ROWS:
        more = len(lines) - MAX_ROWS
        blocks.append(context(f"…and {more} more"))
    summary = "\n".join(_plain_row(line) for line in lines)
    return Notice(text=f"{heading}\n{summary}", blocks=blocks)


def _last_held(line: TeamLine) -> str:
    if line.last_held_on is None:
        return prompts.text("team", "never_met")
    return f"last 1:1 {format_day(line.last_held_on)}"


def build_pairing_invite(manager_id: str, cadence: str, pairing_id: int) -> Notice:
    """The DM asking a rep whether this manager may coach them (and so see their goals)."""
    text = prompts.text("team", "rep_was_added", manager=manager_id, cadence=cadence)
    value = str(pairing_id)
    buttons = [
        button(
            prompts.text("team", "invite_accept_button"),
            slack_ids.ACTION_PAIRING_ACCEPT,
            value,
            style="primary",
        ),
        button(
            prompts.text("team", "invite_decline_button"), slack_ids.ACTION_PAIRING_DECLINE, value
        ),
    ]
    return Notice(text=text, blocks=[section(text), ActionsBlock(elements=buttons)])


def _row(line: TeamLine) -> str:
    state = line.state
    emoji = STATUS_EMOJI[state.status]
    waiting = f" · _{prompts.text('team', 'pending')}_" if line.pending else ""
    return (
        f"{emoji} <@{line.rep_id}>: *{describe_status(state)}* · {line.cadence} · "
        f"{_last_held(line)} · {due_words(state)}{_snoozed(line)}{waiting}"
    )


def _snoozed(line: TeamLine) -> str:
    if line.snoozed_until is None:
        return ""
    return prompts.text("plans", "home.snoozed", date=format_day(line.snoozed_until))


def _plain_row(line: TeamLine) -> str:
    waiting = f" ({prompts.text('team', 'pending')})" if line.pending else ""
    return f"<@{line.rep_id}>: {describe_status(line.state)}{waiting}"
