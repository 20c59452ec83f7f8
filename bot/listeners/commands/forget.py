"""``/coach forget me``: ask first; nothing is erased until the button is pressed."""

from __future__ import annotations

from bot.blocks.privacy import build_forget_confirmation
from bot.blocks.replies import Notice


def handle_forget_me() -> Notice:
    return build_forget_confirmation()
