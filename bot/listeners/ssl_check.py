"""Slack's ``ssl_check`` probe, answered only after the signature has been verified.

Bolt's built-in handler answers it before checking the signature, so a forged probe would
get a 200 from an unverified request; Coach turns that off and answers here instead.
"""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import BoltRequest, BoltResponse


def answer_ssl_check(request: BoltRequest, next: Callable[[], BoltResponse]) -> BoltResponse:
    if request.body.get("ssl_check") == "1":
        return BoltResponse(status=200, body="")
    return next()
