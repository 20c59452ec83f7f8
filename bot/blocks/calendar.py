"""The calendar's surfaces: the connect modal, and the question about a series matched by
its title alone ("is this your 1:1 with @rep?")."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    InputBlock,
    InteractiveElement,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
)
from slack_sdk.models.views import View

import prompts
from bot import slack_ids as ids
from bot.blocks.parts import button, context, section

MAX_URL = 2048


def build_calendar_modal(connected: str | None) -> View:
    """Where to find the secret iCal address in Google Calendar and Outlook, and a field for
    it. ``connected`` is the host of the feed connected now (never the address)."""
    words = prompts.load("calendar")["modal"]
    blocks: list[Block] = [
        section(words["intro"]),
        section(words["google"]),
        section(words["outlook"]),
    ]
    if connected:
        blocks.append(context(prompts.text("calendar", "modal.connected", host=connected)))
    blocks.append(
        InputBlock(
            block_id=ids.BLOCK_CALENDAR_URL,
            label=PlainTextObject(text=words["label"]),
            hint=PlainTextObject(text=words["hint"]),
            element=PlainTextInputElement(
                action_id=ids.ACTION_CALENDAR_URL,
                max_length=MAX_URL,
                placeholder=PlainTextObject(text=words["placeholder"]),
            ),
        )
    )
    blocks.append(context(words["privacy"]))
    return View(
        type="modal",
        callback_id=ids.VIEW_CALENDAR,
        title=PlainTextObject(text=words["title"]),
        submit=PlainTextObject(text=words["submit"]),
        close=PlainTextObject(text=words["cancel"]),
        blocks=blocks,
    )


def build_series_question(
    *,
    series: str,
    pairing_id: int,
    rep_id: str,
    title: str,
    slot: str,
    others: list[tuple[int, str]] | None = None,
) -> tuple[str, list[Block]]:
    """(fallback text, blocks): asked once per series; ``title`` already escaped."""
    text = prompts.text("calendar", "series.question", title=title, slot=slot, rep=rep_id)
    yes = json.dumps({"s": series, "p": pairing_id})
    no = json.dumps({"s": series})
    elements: list[InteractiveElement] = [
        button(
            prompts.text("calendar", "series.yes"),
            ids.ACTION_CALENDAR_SERIES_YES,
            yes,
            style="primary",
        ),
        button(prompts.text("calendar", "series.no"), ids.ACTION_CALENDAR_SERIES_NO, no),
    ]
    if others:
        elements.append(
            StaticSelectElement(
                action_id=ids.ACTION_CALENDAR_SERIES_PICK,
                placeholder=prompts.text("calendar", "series.pick"),
                options=[
                    Option(value=json.dumps({"s": series, "p": pid}), label=label[:75])
                    for pid, label in others[:100]
                ],
            )
        )
    return text, [section(text), ActionsBlock(block_id=f"series:{series}", elements=elements)]
