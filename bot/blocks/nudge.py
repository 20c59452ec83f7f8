"""The DM that invites a manager to catch up with reps whose 1:1s slipped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

import prompts
from bot import slack_ids
from bot.flows.team import format_day

# Two blocks a rep and one heading: Block Kit's 50-block cap leaves room for 24 reps.
MAX_REPS = 23


@dataclass(frozen=True)
class NudgeItem:
    pairing_id: int
    rep_id: str
    days_overdue: int
    last_held_on: date | None
    started_on: date


def build_nudge(items: list[NudgeItem]) -> tuple[str, list[Block]]:
    """(fallback text, blocks) for one manager's nudge listing every slipped 1:1."""
    if len(items) == 1:
        heading = prompts.text("nudges", "heading")
    else:
        heading = prompts.text("nudges", "heading_many", count=len(items))
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=heading))]
    for item in items[:MAX_REPS]:
        blocks.extend(_rep_blocks(item))
    if len(items) > MAX_REPS:
        more = prompts.text("nudges", "more", count=len(items) - MAX_REPS)
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
    reps = ", ".join(f"<@{item.rep_id}>" for item in items)
    return prompts.text("nudges", "fallback", reps=reps), blocks


def _rep_blocks(item: NudgeItem) -> list[Block]:
    if item.last_held_on is None:
        last = prompts.text("nudges", "never_held", date=format_day(item.started_on))
    else:
        last = prompts.text("nudges", "last_held", date=format_day(item.last_held_on))
    line = prompts.text(
        "nudges", "rep_line", rep=item.rep_id, overdue=_days(item.days_overdue), last=last
    )
    question = prompts.text("nudges", "invitation", rep=item.rep_id)
    value = str(item.pairing_id)
    return [
        SectionBlock(text=MarkdownTextObject(text=f"{line}\n{question}")),
        ActionsBlock(
            block_id=f"nudge:{item.pairing_id}",
            elements=[
                ButtonElement(
                    text=prompts.text("nudges", "log_button"),
                    action_id=slack_ids.ACTION_NUDGE_LOG,
                    value=value,
                    style="primary",
                ),
                ButtonElement(
                    text=prompts.text("nudges", "snooze_button"),
                    action_id=slack_ids.ACTION_NUDGE_SNOOZE,
                    value=value,
                ),
            ],
        ),
    ]


def _days(count: int) -> str:
    return (
        prompts.text("nudges", "day") if count == 1 else prompts.text("nudges", "days", count=count)
    )
