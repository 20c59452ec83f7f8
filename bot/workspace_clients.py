"""Which Slack client speaks for a workspace.

In single-workspace mode (``SLACK_BOT_TOKEN``) one client speaks for every team. When
Coach is installed into many workspaces by OAuth, each workspace has its own token (which
may rotate), so flows and sweeps ask ``Services.slack_for(team_id)`` rather than holding
one client; an installation-backed implementation of ``WorkspaceClients`` answers.
"""

from __future__ import annotations

from typing import Protocol

from slack_sdk import WebClient


class WorkspaceClients(Protocol):
    def client_for(self, team_id: str) -> WebClient:
        """A client whose token is valid now for this workspace (refreshed if it rotates)."""
        ...

    def team_ids(self) -> list[str]:
        """Every workspace Coach is installed in, for the sweeps."""
        ...
