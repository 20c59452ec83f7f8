"""What every listener, flow and job needs, built once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass, field

from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.after_ack import AfterAckExecutor
from bot.clock import Clock
from bot.reframer import Reframer
from bot.settings import Settings
from bot.workspace_clients import WorkspaceClients


@dataclass(frozen=True)
class Services:
    settings: Settings
    engine: Engine
    clock: Clock
    slack: WebClient
    reframer: Reframer
    # Answers built after an ack (see after_ack.py); sweeps and scripts never use it.
    after_ack: AfterAckExecutor = field(default_factory=lambda: AfterAckExecutor(4))
    # Per-workspace clients when Coach is installed by OAuth; None in single-workspace mode,
    # where `slack` speaks for every team.
    clients: WorkspaceClients | None = None

    def slack_for(self, team_id: str) -> WebClient:
        """The client that speaks for this workspace: ask this, not `slack`, wherever the
        team is known, so many-workspace installs post with the right token."""
        return self.clients.client_for(team_id) if self.clients else self.slack
