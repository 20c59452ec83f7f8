"""The Slack emulator in a process of its own, so that its threads do not share the load
generator's interpreter (and GIL) while latencies are measured.

Prints one JSON line ``{"url": …, "token": …}`` when it listens, then answers one line per
command read from stdin:

    users PREFIX FIRST COUNT TZ    add members PREFIX000000… → ok
    response_url CHANNEL USER      a response_url for slash commands → the URL
    count METHOD                   calls answered so far ("response_url" too, "*" for all)
    rate_limits PER_SECOND PER_MIN [tiers]
                                   pace chat.postMessage as Slack does (and every other
                                   method by its tier), in every workspace → ok
    channel ID NAME                a channel the bot is in → ok
    workspaces COUNT MANAGERS REPS TZ
                                   COUNT more workspaces (tests/support/many_workspaces.py:
                                   one token each, MANAGERS managers with REPS reps) → ok
    stats                          per-workspace limits as JSON: 429s, the most posts one
                                   workspace had accepted in a minute and in flight at once

``--latency 150ms`` (or ``100-300ms``) makes every call take that long, as Slack's do.
It keeps counts, not copies of every call, so a long run does not grow its memory.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections import Counter
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from slack_emulator import Reply, SlackEmulator, Workspace
from tests.support.many_workspaces import emulated_workspace, fan_out_team_ids


class CountingWorkspace(Workspace):
    """A workspace that counts calls by method (in counts shared by every workspace of
    the process) and forgets their bodies."""

    def __init__(
        self,
        *args: Any,
        counts: Counter[str] | None = None,
        count_lock: threading.Lock | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.counts: Counter[str] = counts if counts is not None else Counter()
        self.count_lock = count_lock or threading.Lock()

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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", default="0", help="each call's delay: 150ms, 100-300ms")
    args = parser.parse_args()
    workspace = CountingWorkspace()
    with SlackEmulator(workspace, latency=args.latency) as emulator:
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
        tiers = "tiers" in args[2:]
        for each in emulator.workspaces.values():
            each.enforce_rate_limits(float(args[0]), per_minute, tiers=tiers)
        return "ok"
    if command == "workspaces":
        count, managers, reps, tz = int(args[0]), int(args[1]), int(args[2]), args[3]
        make = partial(CountingWorkspace, counts=workspace.counts, count_lock=workspace.count_lock)
        for team_id in fan_out_team_ids(count):
            emulator.serve_workspace(
                emulated_workspace(
                    team_id, managers=managers, reps_per_manager=reps, tz=tz, make=make
                )
            )
        return "ok"
    if command == "stats":
        teams = list(emulator.workspaces.values())
        in_flight = [emulator.most_in_flight("chat.postMessage", t.team_id) for t in teams]
        return json.dumps(
            {
                "429": sum(t.rate_limited for t in teams),
                "workspaces_limited": sum(1 for t in teams if t.rate_limited),
                "busiest_minute": max(t.busiest_minute for t in teams),
                "most_in_flight": max(in_flight),
            }
        )
    return f"unknown command {command}"


if __name__ == "__main__":
    main()
