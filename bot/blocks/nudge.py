"""The DM that invites a manager to catch up with reps whose 1:1s slipped."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block, DatePickerElement

import prompts
from bot import slack_ids
from bot.blocks.parts import button, context, section
from bot.domain.cadence import NudgeItem, format_day

# Two blocks a rep and one heading: Block Kit's 50-block cap leaves room for 24 reps.
MAX_REPS = 23


def build_nudge(items: list[NudgeItem]) -> tuple[str, list[Block]]:
    """(fallback text, blocks) for one manager's nudge listing every slipped 1:1."""
    if len(items) == 1:
        heading = prompts.text("nudges", "heading")
    else:
        heading = prompts.text("nudges", "heading_many", count=len(items))
    blocks: list[Block] = [section(heading)]
    for item in items[:MAX_REPS]:
        blocks.extend(_rep_blocks(item))
    if len(items) > MAX_REPS:
        more = prompts.text("nudges", "more", count=len(items) - MAX_REPS)
        blocks.append(context(more))
    reps = ", ".join(f"<@{item.rep_id}>" for item in items)
    return prompts.text("nudges", "fallback", reps=reps), blocks


def _rep_blocks(item: NudgeItem) -> list[Block]:
    if item.last_held_on is None:
        last = prompts.text("nudges", "never_held", date=format_day(item.started_on))
    else:
        last = prompts.text("nudges", "last_held", date=format_day(item.last_held_on))
    line = prompts.text(
        "nudges",
        "rep_line",
        rep=item.rep_id,
        overdue=prompts.plural("nudges", "days", item.days_overdue),
        last=last,
    )
    question = prompts.text("nudges", "invitation", rep=item.rep_id)
    if item.usual_slot:
        question = prompts.text("calendar", "usual_slot", rep=item.rep_id, slot=item.usual_slot)
    if item.field_day_due:
        question += "\n" + prompts.text("nudges", "field_day", rep=item.rep_id)
    value = str(item.pairing_id)
    return [
        section(f"{line}\n{question}"),
        ActionsBlock(
            block_id=f"nudge:{item.pairing_id}",
            elements=[
                button(
                    prompts.text("nudges", "log_button"),
                    slack_ids.ACTION_NUDGE_LOG,
                    value,
                    style="primary",
                ),
                button(
                    prompts.text("nudges", "snooze_button"), slack_ids.ACTION_NUDGE_SNOOZE, value
                ),
                DatePickerElement(
                    action_id=slack_ids.ACTION_NUDGE_LOG_DATE,
                    placeholder=prompts.text("nudges", "log_other_day"),
                ),
            ],
        ),
    ]
