"""Slack as an OAuth server for the emulator's workspaces: installs, rotating tokens, uninstalls.

Why: "Add to Slack" and token rotation are conversations with Slack that no single workspace
holds. The authority registers an app (client id and secret), hands out a one-time ``code``
for an install into a workspace (what Slack's consent page does in the browser), and
answers ``oauth.v2.access`` as Slack does: an authorization code, or with
``grant_type=refresh_token`` a single-use refresh token, for a bot token (with
``refresh_token`` and ``expires_in`` when rotation is on, as a plain ``xoxb-`` token when it
is off). ``apps.uninstall`` revokes every token of the workspace. Each token is granted to
its workspace (`WorkspaceState.grant_token`), whose own dispatch then answers
``token_expired`` or ``token_revoked`` as Slack would.
"""

from __future__ import annotations

import base64
import itertools
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from slack_emulator.state import WorkspaceState
from slack_emulator.wire import Params, Reply

# Slack's bot tokens last 12 hours when token rotation is on.
TOKEN_LIFETIME = 43_200


@dataclass(frozen=True)
class Exchange:
    """One oauth.v2.access answered: which grant, for which workspace, and the error if any."""

    grant_type: str
    team_id: str | None
    error: str | None
    at: float


@dataclass
class _Code:
    workspace: WorkspaceState
    user_id: str
    client_id: str
    org_wide: bool


class OAuthAuthority:
    """Installs and tokens across workspaces. ``rotating`` turns token rotation on (the
    app's setting in Slack); ``token_lifetime`` is the ``expires_in`` of what it hands out;
    ``refresh_delay`` holds each refresh that long before answering (a slow Slack widens the
    window in which two processes could race one refresh token)."""

    def __init__(
        self,
        workspaces: Callable[[], list[WorkspaceState]],
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._workspaces = workspaces
        self.clock = clock
        self.lock = threading.RLock()
        self.apps: dict[str, str] = {}
        self.rotating = True
        self.token_lifetime = TOKEN_LIFETIME
        self.refresh_delay = 0.0
        self.scopes = "commands,chat:write"
        self._codes: dict[str, _Code] = {}
        self._refresh: dict[str, tuple[list[WorkspaceState], bool]] = {}
        self.exchanges: list[Exchange] = []
        self._serial = itertools.count(1)

    def register_app(self, client_id: str, client_secret: str) -> None:
        with self.lock:
            self.apps[client_id] = client_secret

    def authorize(
        self,
        workspace: WorkspaceState,
        *,
        user_id: str,
        client_id: str,
        org_wide: bool = False,
    ) -> str:
        """A member approves the install on Slack's consent page: the one-time code Slack
        sends back to the app's redirect URL. ``org_wide`` is an org admin installing for the
        whole Enterprise Grid org (the workspace must belong to one)."""
        if org_wide and workspace.enterprise_id is None:
            raise ValueError("an org-wide install needs a workspace in an Enterprise Grid org")
        with self.lock:
            code = f"{next(self._serial)}.{secrets.token_hex(16)}"
            self._codes[code] = _Code(workspace, user_id, client_id, org_wide)
            return code

    def access(self, params: Mapping[str, Any], authorization: str | None) -> Reply:
        """oauth.v2.access: an authorization code or a refresh token for a bot token."""
        values = Params(params)
        client_id, client_secret = _client_credentials(values, authorization)
        grant_type = values.text("grant_type") or "authorization_code"
        with self.lock:
            reply, team_id = self._access(values, client_id, client_secret, grant_type)
            error = None if reply.body is None or reply.body.get("ok") else reply.body.get("error")
            self.exchanges.append(Exchange(grant_type, team_id, error, self.clock()))
        return reply

    def refreshes(self) -> list[Exchange]:
        """Every refresh answered so far, refused ones too."""
        with self.lock:
            return [e for e in self.exchanges if e.grant_type == "refresh_token"]

    def uninstall(self, workspace: WorkspaceState) -> None:
        """The app is removed from the workspace: every token it holds stops working."""
        with self.lock:
            workspace.revoke_tokens()
            for token, (holders, _) in list(self._refresh.items()):
                if workspace in holders:
                    del self._refresh[token]

    def _access(
        self, values: Params, client_id: str, client_secret: str, grant_type: str
    ) -> tuple[Reply, str | None]:
        if client_id not in self.apps:
            return Reply.error("invalid_client_id"), None
        if self.apps[client_id] != client_secret:
            return Reply.error("bad_client_secret"), None
        if grant_type == "authorization_code":
            code = self._codes.pop(values.text("code"), None)
            if code is None or code.client_id != client_id:
                return Reply.error("invalid_code"), None
            holders = self._holders(code.workspace, code.org_wide)
            body = self._grant(holders, code.org_wide)
            body["authed_user"] = {"id": code.user_id}
            return Reply(200, body), code.workspace.team_id
        if grant_type == "refresh_token":
            if self.refresh_delay:
                time.sleep(self.refresh_delay)
            found = self._refresh.pop(values.text("refresh_token"), None)
            if found is None:  # unknown, or used already: a refresh token works once
                return Reply.error("invalid_refresh_token"), None
            holders, org_wide = found
            return Reply(200, self._grant(holders, org_wide)), holders[0].team_id
        return Reply.error("invalid_grant_type"), None

    def _holders(self, workspace: WorkspaceState, org_wide: bool) -> list[WorkspaceState]:
        if not org_wide:
            return [workspace]
        return [w for w in self._workspaces() if w.enterprise_id == workspace.enterprise_id]

    def _grant(self, holders: list[WorkspaceState], org_wide: bool) -> dict[str, Any]:
        first = holders[0]
        serial = next(self._serial)
        expires_at = self.clock() + self.token_lifetime if self.rotating else None
        token = f"{'xoxe.' if self.rotating else ''}xoxb-{serial}-{secrets.token_hex(12)}"
        for workspace in holders:
            workspace.grant_token(token, expires_at)
        body: dict[str, Any] = {
            "ok": True,
            "app_id": first.app_id,
            "access_token": token,
            "token_type": "bot",
            "scope": self.scopes,
            "bot_user_id": first.bot_user_id,
            "team": None if org_wide else {"id": first.team_id, "name": first.team_name},
            "enterprise": (
                {"id": first.enterprise_id, "name": first.enterprise_name}
                if first.enterprise_id
                else None
            ),
            "is_enterprise_install": org_wide,
        }
        if self.rotating:
            refresh = f"xoxe-1-{serial}-{secrets.token_hex(16)}"
            self._refresh[refresh] = (holders, org_wide)
            body["refresh_token"] = refresh
            body["expires_in"] = self.token_lifetime
        return body


def _client_credentials(values: Params, authorization: str | None) -> tuple[str, str]:
    """client_id and client_secret, from HTTP Basic auth (slack_sdk's way) or the form."""
    if authorization and authorization.lower().startswith("basic "):
        decoded = base64.b64decode(authorization[6:].strip()).decode("utf-8", errors="replace")
        client_id, _, client_secret = decoded.partition(":")
        return client_id, client_secret
    return values.text("client_id"), values.text("client_secret")
