"""A reframe, shown privately to the manager, with Send / Add to 1:1 / Dismiss buttons.

The buttons carry the questions and focus (never the original feedback) so that a press
needs no server-side state; the listener re-validates them before anything is sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    InputBlock,
    PlainTextObject,
    UserSelectElement,
)
from slack_sdk.models.views import View

import prompts
from bot import slack_ids
from bot.blocks.escape import escape_mrkdwn
from bot.blocks.parts import button, context, section
from bot.domain.reframing import Reframe, competency_label

# Slack caps a button value at 2,000 characters and private_metadata at 3,000.
MAX_VALUE = 2000


@dataclass(frozen=True)
class Prompt:
    """What a button press may act on: the coaching prompt and, if named, the rep."""

    rep_id: str | None
    competency: str
    focus: str
    questions: tuple[str, ...]


def build_reframe(reframe: Reframe, rep_id: str | None) -> tuple[str, list[Block]]:
    intro = (
        prompts.text("coaching", "intro", rep=rep_id)
        if rep_id
        else prompts.text("coaching", "intro_no_rep")
    )
    questions = "\n".join(f"• {escape_mrkdwn(q)}" for q in reframe.questions)
    focus = prompts.text(
        "coaching",
        "focus",
        label=competency_label(reframe.competency),
        focus=escape_mrkdwn(reframe.focus),
    )
    engine = prompts.text("coaching", f"engine_{reframe.engine}")
    value = encode_prompt(Prompt(rep_id, reframe.competency, reframe.focus, reframe.questions))
    blocks: list[Block] = [
        section(f"{intro}\n{questions}"),
        section(focus),
        ActionsBlock(
            block_id="reframe",
            elements=[
                button(
                    prompts.text("coaching", "send_button"),
                    slack_ids.ACTION_REFRAME_SEND,
                    value,
                    style="primary",
                ),
                button(
                    prompts.text("coaching", "agenda_button"),
                    slack_ids.ACTION_REFRAME_AGENDA,
                    value,
                ),
                button(
                    prompts.text("coaching", "dismiss_button"),
                    slack_ids.ACTION_REFRAME_DISMISS,
                    "dismiss",
                ),
            ],
        ),
        context(engine),
    ]
    fallback = "\n".join([intro, *(f"• {q}" for q in reframe.questions)])
    return fallback, blocks


def build_rep_picker(prompt: Prompt, action: str) -> View:
    """A modal asking which rep the prompt is for (the feedback named nobody)."""
    metadata = json.dumps({"action": action, "prompt": _prompt_dict(prompt)})
    return View(
        type="modal",
        callback_id=slack_ids.VIEW_PICK_REP,
        private_metadata=metadata,
        title=PlainTextObject(text=prompts.text("coaching", "pick_title")),
        submit=PlainTextObject(text=prompts.text("coaching", f"pick_submit_{action}")),
        close=PlainTextObject(text=prompts.text("coaching", "pick_cancel")),
        blocks=[
            InputBlock(
                block_id=slack_ids.BLOCK_PICK_REP,
                label=PlainTextObject(text=prompts.text("coaching", "pick_label")),
                element=UserSelectElement(action_id=slack_ids.ACTION_PICK_REP),
            )
        ],
    )


def build_prompt_for_rep(manager_id: str, prompt: Prompt) -> tuple[str, list[Block]]:
    """The DM a rep receives: an invitation to explore, not a verdict."""
    lead = prompts.text("coaching", "to_rep", manager=manager_id)
    questions = "\n".join(f"• {escape_mrkdwn(q)}" for q in prompt.questions)
    footer = prompts.text("coaching", "to_rep_footer")
    blocks: list[Block] = [
        section(f"{lead}\n{questions}"),
        context(footer),
    ]
    return f"{lead}\n" + "\n".join(f"• {q}" for q in prompt.questions), blocks


def encode_prompt(prompt: Prompt) -> str:
    """The prompt as a button value, dropping trailing questions if Slack's cap needs it."""
    questions = list(prompt.questions)
    while True:
        value = json.dumps(
            _prompt_dict(Prompt(prompt.rep_id, prompt.competency, prompt.focus, tuple(questions)))
        )
        if len(value) <= MAX_VALUE or len(questions) <= 2:
            return value[:MAX_VALUE]
        questions.pop()


def decode_prompt(raw: object) -> Prompt | None:
    """A prompt from a button value or modal metadata; None when it is not one of ours."""
    try:
        data = json.loads(raw) if isinstance(raw, str) else raw
        questions = tuple(str(q) for q in data["q"])
        rep = data.get("r") or None
        return Prompt(str(rep) if rep else None, str(data["c"]), str(data["f"]), questions)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def _prompt_dict(prompt: Prompt) -> dict[str, object]:
    return {
        "r": prompt.rep_id or "",
        "c": prompt.competency,
        "f": prompt.focus,
        "q": list(prompt.questions),
    }
