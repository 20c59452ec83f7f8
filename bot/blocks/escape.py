"""Echo what people typed without letting it ping @channel, forge a mention or break markup."""

from __future__ import annotations

import re

# An ampersand that does not already start one of Slack's three entities. Text from Slack
# arrives escaped ("&lt;"), so escaping it again would show "&lt;" to the reader.
_BARE_AMPERSAND = re.compile(r"&(?!(?:amp|lt|gt);)")


def escape_mrkdwn(text: str) -> str:
    """Slack's three escapes: after this, ``<!channel>`` is shown, not sent as a ping."""
    return _BARE_AMPERSAND.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")


def inline_code(text: str, limit: int = 40) -> str:
    """A short echo of a word inside a code span (backticks would end the span)."""
    return escape_mrkdwn(text[:limit].replace("`", "'"))
