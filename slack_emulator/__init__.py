"""A local stand-in for Slack's Web API: the only fake Slack in Coach.

`SlackEmulator` serves a `Workspace` over HTTP for `WebClient(base_url=emulator.url)` (the
tests set SLACK_API_URL to it; `coach try` runs the whole bot against it). Every call is
recorded as an `ApiCall`.
"""

from slack_emulator.server import SlackEmulator
from slack_emulator.workspace import ApiCall, Reply, Workspace

__all__ = ["ApiCall", "Reply", "SlackEmulator", "Workspace"]
