"""The Slack emulator in a process of its own, so that its threads do not share the load
generator's interpreter (and GIL) while latencies are measured.

Prints one JSON line ``{"url": …, "token": …}`` when it listens, then answers one line per
command read from stdin:

    users PREFIX FIRST COUNT TZ    add members PREFIX000000… → ok
    response_url CHANNEL USER      a response_url for slash commands → the URL
    count METHOD                   calls answered so far ("response_url" too, "*" for all)
    rate_limits PER_SECOND PER_MIN pace chat.postMessage as Slack does → ok
    channel ID NAME                a channel the bot is in → ok

It keeps counts, not copies of every call, so a long run does not grow its memory.
"""

from __future__ import annotations

import json
import sys
import threading
from collections import Counter
from collections.abc import Mapping
from typing import Any

from slack_emulator import Reply, SlackEmulator, Workspace


class CountingWorkspace(Workspace):
    """A workspace that counts calls by method and forgets their bodies."""

    def __init__(self) -> None:
        super().__init__()
        self.counts: Counter[str] = Counter()
        self.count_lock = threading.Lock()

    def handle(self, method: str, params: Mapping[str, Any], token: str | None) -> Reply:
        reply = super().handle(method, params, token)
        self._forget(method, reply)
        return reply

    def respond(self, key: str, payload: Mapping[str, Any]) -> Reply:
        reply = super().respond(key, payload)
        with self.lock:
            self.ephemerals.clear()
        self._forget("response_url", reply)
        return reply

    def _forget(self, method: str, reply: Reply) -> None:
        self.clear_calls()
        with self.count_lock:
            self.counts[method] += 1
            self.counts["*"] += 1
            if reply.status == 429:
                self.counts["429"] += 1


def main() -> None:
    workspace = CountingWorkspace()
    with SlackEmulator(workspace) as emulator:
        print(json.dumps({"url": emulator.url, "token": emulator.token}), flush=True)
        for line in sys.stdin:
            words = line.split()
            if not words:
                continue
            print(_answer(emulator, workspace, words), flush=True)


def _answer(emulator: SlackEmulator, workspace: CountingWorkspace, words: list[str]) -> str:
    command, args = words[0], words[1:]
    if command == "users":
        prefix, first, count, tz = args[0], int(args[1]), int(args[2]), args[3]
        for n in range(first, first + count):
            workspace.add_user(f"{prefix}{n:06d}", f"{prefix.lower()}{n}", tz=tz)
        return "ok"
    if command == "response_url":
        return emulator.response_url(args[0], args[1])
    if command == "count":
        with workspace.count_lock:
            return str(workspace.counts[args[0]])
    if command == "channel":
        workspace.add_channel(args[0], args[1])
        return "ok"
    if command == "rate_limits":
        per_minute = int(args[1]) if len(args) > 1 and args[1] != "-" else None
        emulator.enforce_rate_limits(float(args[0]), per_minute)
        return "ok"
    return f"unknown command {command}"


if __name__ == "__main__":
    main()
