"""A ``WorkspaceClients`` with one fixed bot token per workspace, for tests and benchmarks.

Coach's own installation-backed implementation reads tokens from the OAuth store (and
refreshes them); the sweeps only need the protocol, so this stands in for it: one emulator
workspace per team, each with its own token, and each client with its own pacer, as a real
installation gets (``WorkspacePacers``).
"""

from __future__ import annotations

import threading

from slack_sdk import WebClient

from bot.settings import Settings
from bot.slack_client import ClientTiming, WorkspacePacers, build_slack_client


class TokenPerWorkspace:
    def __init__(
        self, settings: Settings, tokens: dict[str, str], *, timing: ClientTiming | None = None
    ) -> None:
        self.settings = settings
        self.tokens = dict(tokens)
        self.timing = timing
        self.pacers = WorkspacePacers(timing)
        self._clients: dict[str, WebClient] = {}
        self._lock = threading.Lock()

    def client_for(self, team_id: str) -> WebClient:
        with self._lock:
            client = self._clients.get(team_id)
            if client is None:
                client = build_slack_client(
                    self.settings,
                    token=self.tokens[team_id],
                    pacer=self.pacers.pacer_for(team_id),
                    timing=self.timing,
                )
                self._clients[team_id] = client
            return client

    def team_ids(self) -> list[str]:
        return sorted(self.tokens)
