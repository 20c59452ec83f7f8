"""Many workspaces: the installation-backed ``WorkspaceClients`` and the token rotation
that Bolt's requests and Coach's sweeps share.

Installed by "Add to Slack" (SLACK_CLIENT_ID…), each workspace has its own bot token in
the installation store (storage/installations.py, encrypted at rest). With token rotation
on, a token lasts 12 hours and its refresh token works once: two processes refreshing at
the same moment would each spend it, and the loser's workspace would be locked out until
someone reinstalled. So every refresh, whether Bolt's inside a request
(``token_rotation_expiration_minutes``) or a sweep's outside any request, goes through
``LockedTokenRotator``: it re-reads the installation under a lock no other process can
share (PostgreSQL: a row lock, ``SELECT … FOR UPDATE``; SQLite: the database's write lock,
``BEGIN IMMEDIATE``), refreshes only if the token is still due, and writes the new tokens
before the lock is released. The one who waited finds the fresh token and uses it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy.engine import Engine

from bot.settings import Settings
from bot.slack_client import ClientTiming, build_slack_client
from storage.db import session_scope
from storage.installations import CoachInstallationStore, installed_team_ids
from storage.workspaces import enterprise_of

# A workspace's token is looked up again after this long (an uninstall elsewhere shows).
CACHE_SECONDS = 30.0


def is_due(installation: Installation, minutes_before_expiration: int) -> bool:
    """A token of the installation expires within the margin (as TokenRotator judges)."""
    horizon = time.time() + minutes_before_expiration * 60
    return any(
        expires_at is not None and expires_at <= horizon
        for expires_at in (installation.bot_token_expires_at, installation.user_token_expires_at)
    )


class LockedTokenRotator(TokenRotator):
    """slack_sdk's TokenRotator, one process at a time per installation (see above)."""

    def __init__(
        self,
        *,
        store: CoachInstallationStore,
        client_id: str,
        client_secret: str,
        client: WebClient,
    ) -> None:
        super().__init__(client_id=client_id, client_secret=client_secret, client=client)
        self.store = store
        self.refreshed = 0  # refreshes this process made (for logs and tests)

    def perform_token_rotation(
        self, *, installation: Installation, minutes_before_expiration: int = 120
    ) -> Installation | None:
        """None when nothing is due; otherwise the installation with fresh tokens, whether
        this process refreshed them or another did while this one waited for the lock."""
        if not is_due(installation, minutes_before_expiration):
            return None
        team_id = None if installation.is_enterprise_install else installation.team_id
        with self.store.locked_installation(
            enterprise_id=installation.enterprise_id, team_id=team_id
        ) as (connection, latest):
            current = latest or installation
            refreshed = super().perform_token_rotation(
                installation=current, minutes_before_expiration=minutes_before_expiration
            )
            if refreshed is None:
                return current  # refreshed by someone else while we waited
            self.store.save_refreshed(connection, refreshed)
            self.refreshed += 1
            return refreshed


@dataclass
class _Cached:
    client: WebClient
    installation: Installation | None
    fetched_at: float


class InstallationClients:
    """``WorkspaceClients`` for OAuth installs: one paced client per workspace, holding that
    workspace's current token (refreshed under the lock when it is due)."""

    def __init__(
        self,
        *,
        settings: Settings,
        engine: Engine,
        store: CoachInstallationStore,
        rotator: LockedTokenRotator,
        timing: ClientTiming | None = None,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.store = store
        self.rotator = rotator
        self._timing = timing
        self._lock = threading.Lock()
        self._cache: dict[str, _Cached] = {}

    def client_for(self, team_id: str) -> WebClient:
        """A client whose token is valid now for this workspace; without an installation,
        one with no token (Slack answers not_authed, which the flows already handle)."""
        with self._lock:
            cached = self._cache.get(team_id)
        now = time.monotonic()
        minutes = self.settings.coach_token_refresh_minutes
        if (
            cached is not None
            and now - cached.fetched_at < CACHE_SECONDS
            and (cached.installation is None or not is_due(cached.installation, minutes))
        ):
            return cached.client
        installation = self._installation(team_id)
        if installation is not None:
            refreshed = self.rotator.perform_token_rotation(
                installation=installation, minutes_before_expiration=minutes
            )
            installation = refreshed or installation
        token = installation.bot_token if installation is not None else None
        with self._lock:
            cached = self._cache.get(team_id)
            if cached is None:
                client = build_slack_client(self.settings, timing=self._timing)
                cached = self._cache[team_id] = _Cached(client, installation, now)
            cached.client.token = token
            cached.installation, cached.fetched_at = installation, now
            return cached.client

    def team_ids(self) -> list[str]:
        """Every workspace with an installation in force (its own, or its org's)."""
        with session_scope(self.engine) as session:
            return installed_team_ids(session=session)

    def forget(self, team_id: str) -> None:
        """Drop the cached token (after an uninstall)."""
        with self._lock:
            self._cache.pop(team_id, None)

    def _installation(self, team_id: str) -> Installation | None:
        with session_scope(self.engine) as session:
            enterprise_id = enterprise_of(session=session, team_id=team_id)
        return self.store.team_installation(enterprise_id=enterprise_id, team_id=team_id)


def build_installation_clients(
    settings: Settings, engine: Engine, *, timing: ClientTiming | None = None
) -> InstallationClients:
    """The store (tokens under COACH_ENCRYPTION_KEY), its locked rotator and the clients."""
    from storage.encryption import require_cipher

    assert settings.slack_client_id and settings.slack_client_secret  # check_install_mode
    store = CoachInstallationStore(
        client_id=settings.slack_client_id, engine=engine, cipher=require_cipher(settings.cipher)
    )
    rotator = LockedTokenRotator(
        store=store,
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        client=build_slack_client(settings, timing=timing),
    )
    return InstallationClients(
        settings=settings, engine=engine, store=store, rotator=rotator, timing=timing
    )
