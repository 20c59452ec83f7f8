"""Strip control characters from every request at the edge, before any listener reads it
(see bot.domain.control_characters for which, and why)."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import BoltRequest, BoltResponse

from bot.domain.control_characters import clean_in_place


def strip_control_characters(
    request: BoltRequest, next: Callable[[], BoltResponse]
) -> BoltResponse:
    clean_in_place(request.body)
    return next()
