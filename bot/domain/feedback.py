"""Recognising a manager's feedback message and who it is about."""

from __future__ import annotations

import re

# "feedback for @alex: …", "Feedback @alex - …", "feedback: …" (any case, after spaces).
_FEEDBACK = re.compile(r"^\s*(?:\*|_)?feedback\b", re.IGNORECASE)
_MENTION = re.compile(r"<@([UW][A-Z0-9]{1,31})(?:\|[^>]*)?>")


def is_feedback(text: str) -> bool:
    return bool(_FEEDBACK.match(text))


def feedback_body(text: str) -> str:
    """The feedback after the leading word, with "for @rep:" and punctuation left in."""
    match = _FEEDBACK.match(text)
    return text[match.end() :].strip(" *_:-–—") if match else text.strip()


def mentioned_user(text: str, *, excluding: str | None = None) -> str | None:
    """The first person mentioned (the rep the feedback is about), never the author."""
    for match in _MENTION.finditer(text):
        if match.group(1) != excluding:
            return match.group(1)
    return None
