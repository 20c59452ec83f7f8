"""Links and mentions in a reframe that the manager did not write.

The questions go to a rep under the manager's name. A model (or text planted for it)
could slip in ``https://…``, a disguised ``<https://evil|the policy page>``, a bare
``evil.example`` that Slack links by itself, or a ``<!channel>``. Whatever of these the
manager's own message holds may come back; anything else is foreign and fails the gate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Slack's markup: <https://x|label>, <mailto:a@b>, <@U123>, <#C123|name>, <!here>, and the
# escaped form a message arrives in (&lt;…&gt;).
_SLACK_MARKUP = re.compile(r"<([^<>|\s]+)(?:\|[^<>]*)?>|&lt;([^&|\s]+)(?:\|.*?)?&gt;")
_URL = re.compile(r"\b(?:[a-z][a-z0-9+.-]*://|www\.|mailto:)[^\s<>|]+", re.IGNORECASE)
# A bare domain Slack would link: name.tld (two or more letters), as in "evil.example".
_DOMAIN = re.compile(r"\b(?:[a-z0-9-]+\.)+[a-z]{2,}\b(?:/[^\s<>|]*)?", re.IGNORECASE)
_MENTION = re.compile(r"(?<![\w@])@(?:here|channel|everyone)\b", re.IGNORECASE)


def links_in(text: str) -> set[str]:
    """Every link or mention target in ``text``, lower-cased and without trailing dots."""
    found = {a or b for a, b in _SLACK_MARKUP.findall(text)}
    plain = _SLACK_MARKUP.sub(" ", text)
    found |= set(_URL.findall(plain))
    found |= set(_DOMAIN.findall(_URL.sub(" ", plain)))
    found |= set(_MENTION.findall(plain))
    return {target.lower().rstrip(".,;:!?)") for target in found if target}


def foreign_links(texts: Iterable[str], message: str) -> tuple[str, ...]:
    """The link and mention targets in ``texts`` that ``message`` does not hold."""
    allowed = links_in(message)
    allowed |= {_bare(target) for target in allowed}
    found = set().union(*(links_in(text) for text in texts))
    return tuple(sorted(t for t in found if t not in allowed and _bare(t) not in allowed))


def _bare(target: str) -> str:
    """``https://www.x.com/a`` and ``x.com/a`` name the same place."""
    return re.sub(r"^(?:[a-z][a-z0-9+.-]*://)?(?:www\.)?", "", target).rstrip("/")
