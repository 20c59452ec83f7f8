"""A local stand-in for Slack: the only fake Slack in Coach, outside the product it fakes.

`SlackEmulator` serves a `Workspace` over HTTP for `WebClient(base_url=emulator.url)` (the
tests set SLACK_API_URL to it; `coach try` runs the whole bot against it). Every call is
recorded as an `ApiCall`. `Payloads` builds the requests Slack sends the other way (slash
commands, button presses, submissions, shortcuts, events), and `signed_headers` signs them.

    server.py     HTTP in and out: requests to `Workspace.handle`, `Reply`s to responses
    workspace.py  the Web API over the state: faults, auth, pacing, then the method
    methods.py    one handler per Web API method, in `METHODS`
    state.py      users, channels, messages, views, records, faults, under one lock
    objects.py    the workspace's objects and how Slack describes them
    wire.py       what a call carries in and out: `Params`, `Reply`, `ApiError`, `ApiCall`
    pacing.py     Slack's rate limits, counted per workspace
    latency.py    how long a call takes (fixed or sampled, SLACK_EMULATOR_LATENCY)
    payloads.py   signed request bodies, as Slack sends them to an app

It imports nothing from `bot` or `storage`: the tests, the sandbox and the benchmarks use it
alike.
"""

from slack_emulator.latency import Latency
from slack_emulator.payloads import Payloads, signed_headers
from slack_emulator.server import SlackEmulator
from slack_emulator.wire import ApiCall, Reply
from slack_emulator.workspace import Workspace

__all__ = [
    "ApiCall",
    "Latency",
    "Payloads",
    "Reply",
    "SlackEmulator",
    "Workspace",
    "signed_headers",
]
