"""A reframe, shown privately to the manager, with Send / Add to 1:1 / Dismiss buttons.

The buttons carry the questions and focus (never the original feedback) so that a press
needs no server-side state; the listener re-validates them before anything is sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
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
from bot.domain.reframing.competencies import KINDS
from bot.domain.reframing.scoring import question_range

# Slack caps a button value at 2,000 characters and private_metadata at 3,000.
MAX_VALUE = 2000
MAX_METADATA = 3000


@dataclass(frozen=True)
class Prompt:
    """What a button press may act on: the coaching prompt and, if named, the rep."""

    rep_id: str | None
    competency: str | None
    focus: str
    questions: tuple[str, ...]
    kind: str = "coaching"
    # The asking rate's token for this reframe (bot/flows/asking.py): no text, a count.
    ref: str = ""


def build_reframe(reframe: Reframe, rep_id: str | None, ref: str = "") -> tuple[str, list[Block]]:
    """The manager's private reply: how Coach read the message, the note, the questions.

    The note (why this is a results talk, an expectation, team selling…) is for the
    manager alone; only the questions travel on the buttons. With no questions to send
    (a message in another language), the only button is Dismiss.
    """
    blocks: list[Block] = []
    fallback: list[str] = []
    if reframe.note:
        note = prompts.text("coaching", "note", note=escape_mrkdwn(reframe.note))
        blocks.append(section(note))
        fallback.append(note)
    if reframe.questions:
        intro = _intro(reframe.kind, rep_id)
        questions = "\n".join(f"• {escape_mrkdwn(q)}" for q in reframe.questions)
        blocks.append(section(f"{intro}\n{questions}"))
        blocks.append(section(_focus(reframe)))
        # The notification text is mrkdwn too: escaped as the blocks are, or a question
        # could carry a live <!channel> or a disguised link into the preview.
        fallback += [intro, questions]
    prompt = Prompt(rep_id, reframe.competency, reframe.focus, reframe.questions, reframe.kind, ref)
    blocks.append(ActionsBlock(block_id="reframe", elements=_buttons(prompt)))
    kind = prompts.text("coaching", f"kind_{reframe.kind}")
    engine = prompts.text("coaching", f"engine_{reframe.engine}")
    blocks.append(context(prompts.text("coaching", "read_as", kind=kind, engine=engine)))
    return "\n".join(fallback), blocks


def _intro(kind: str, rep_id: str | None) -> str:
    """The line before the questions, in the words that fit how the message was read."""
    if kind == "praise":
        return prompts.text("coaching", "intro_praise", rep=rep_id or "")
    if kind in ("results", "expectation", "team_selling", "too_vague"):
        return prompts.text("coaching", f"intro_{kind}")
    if kind == "already_coaching":
        return prompts.text("coaching", "intro_already_coaching")
    if rep_id:
        return prompts.text("coaching", "intro", rep=rep_id)
    return prompts.text("coaching", "intro_no_rep")


def _focus(reframe: Reframe) -> str:
    if reframe.competency is None:
        return prompts.text("coaching", "focus_only", focus=escape_mrkdwn(reframe.focus))
    return prompts.text(
        "coaching",
        "focus",
        label=competency_label(reframe.competency),
        focus=escape_mrkdwn(reframe.focus),
    )


def _buttons(prompt: Prompt) -> list[ButtonElement]:
    dismiss = button(
        prompts.text("coaching", "dismiss_button"), slack_ids.ACTION_REFRAME_DISMISS, "dismiss"
    )
    if not prompt.questions:
        return [dismiss]
    value = encode_prompt(prompt)
    send = button(
        prompts.text("coaching", "send_button"),
        slack_ids.ACTION_REFRAME_SEND,
        value,
        style="primary",
    )
    agenda = button(
        prompts.text("coaching", "agenda_button"), slack_ids.ACTION_REFRAME_AGENDA, value
    )
    return [send, agenda, dismiss]


def build_rep_picker(prompt: Prompt, action: str) -> View:
    """A modal asking which rep the prompt is for (the feedback named nobody)."""
    within = encode_prompt(prompt, limit=MAX_METADATA - len(action) - 30)
    metadata = json.dumps(
        {"action": action, "prompt": json.loads(within)}, ensure_ascii=False, separators=(",", ":")
    )
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
    return f"{lead}\n{questions}", blocks


def encode_prompt(prompt: Prompt, limit: int = MAX_VALUE) -> str:
    """The prompt as a button value of at most ``limit`` characters, always whole JSON.

    Slack counts characters, so non-ASCII is written as itself (as ``\\u00e9`` an
    account name in Swedish took six times the room, and a value cut at the cap no longer
    parsed). Within the cap: trailing questions go first (down to the fewest the kind
    needs), then the focus is shortened; the questions a rep gets are never cut.
    """
    fewest = max(1, question_range(prompt.kind)[0]) if prompt.kind in KINDS else 1
    questions = list(prompt.questions)
    value = _json(replace(prompt, questions=tuple(questions)))
    while len(value) > limit and len(questions) > fewest:
        questions.pop()
        value = _json(replace(prompt, questions=tuple(questions)))
    focus = prompt.focus
    while len(value) > limit and focus:
        focus = focus[: max(0, len(focus) - (len(value) - limit) - 1)].rstrip()
        value = _json(
            replace(prompt, questions=tuple(questions), focus=focus + "…" if focus else "")
        )
    return value


def _json(prompt: Prompt) -> str:
    return json.dumps(_prompt_dict(prompt), ensure_ascii=False, separators=(",", ":"))


def decode_prompt(raw: object) -> Prompt | None:
    """A prompt from a button value or modal metadata; None when it is not one of ours."""
    try:
        data = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return None
    match data:
        case {"q": list() as questions, "c": competency, "f": focus, **rest}:
            rep, kind, ref = rest.get("r"), rest.get("k"), rest.get("id")
            return Prompt(
                str(rep) if rep else None,
                str(competency) if competency else None,
                str(focus),
                tuple(str(q) for q in questions),
                str(kind or "coaching"),
                str(ref or "")[:32],
            )
        case _:
            return None


def _prompt_dict(prompt: Prompt) -> dict[str, object]:
    return {
        "r": prompt.rep_id or "",
        "c": prompt.competency or "",
        "f": prompt.focus,
        "q": list(prompt.questions),
        "k": prompt.kind,
        **({"id": prompt.ref} if prompt.ref else {}),
    }
