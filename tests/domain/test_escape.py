"""Echoed text can never ping a channel or forge a mention, and is not double-escaped."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.blocks.escape import escape_mrkdwn, inline_code


def test_broadcasts_and_mentions_are_shown_not_sent() -> None:
    assert escape_mrkdwn("hi <!channel> and <@U123>") == "hi &lt;!channel&gt; and &lt;@U123&gt;"


def test_text_slack_already_escaped_is_left_readable() -> None:
    assert escape_mrkdwn("5 &lt; 6 &amp; R&D") == "5 &lt; 6 &amp; R&amp;D"


def test_inline_code_cannot_close_its_span() -> None:
    assert "`" not in inline_code("a`b")


@given(st.text())
def test_no_markup_survives_escaping(text: str) -> None:
    escaped = escape_mrkdwn(text)
    assert "<" not in escaped and ">" not in escaped
