"""A ``WorkspaceClients`` with one fixed bot token per workspace, for tests and benchmarks.

Coach's own installation-backed implementation reads tokens from the OAuth store (and
refreshes them); the sweeps only need the protocol, so this stands in for it: one emulator
workspace per team, each with its own token, and one client per workspace (so its own
pacer), kept for the life of the process, as an installation's client is.
"""

from __future__ import annotations

import threading

from slack_sdk import WebClient

from bot.settings import Settings
from bot.slack_client import ClientTiming, PacedWebClient, build_slack_client


class TokenPerWorkspace:
    def __init__(
        self, settings: Settings, tokens: dict[str, str], *, timing: ClientTiming | None = None
    ) -> None:
        self.settings = settings
        self.tokens = dict(tokens)
        self.timing = timing
        self._clients: dict[str, PacedWebClient] = {}
        self._lock = threading.Lock()

    def client_for(self, team_id: str) -> WebClient:
        return self.paced_client_for(team_id)

    def paced_client_for(self, team_id: str) -> PacedWebClient:
        with self._lock:
            client = self._clients.get(team_id)
            if client is None:
                built = build_slack_client(self.settings, timing=self.timing)
                assert isinstance(built, PacedWebClient)
                built.token = self.tokens[team_id]
                client = self._clients[team_id] = built
            return client

    def team_ids(self) -> list[str]:
        return sorted(self.tokens)
