"""Bolt's OAuth flow for "Add to Slack": the install page, the redirect, and the stores.

``build_oauth_settings`` gives Bolt slack_sdk's SQLAlchemy stores over Coach's database
(installations with encrypted tokens, and the one-time states of pending installs), Coach's
own pages (bot/install_pages.py), and the locked token rotator (bot/installations.py) for the
refreshes Bolt makes inside requests (``token_rotation_expiration_minutes``).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.oauth import OAuthFlow
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.state_store import OAuthStateStore

from bot.flows.installs import installed
from bot.install_pages import (
    INSTALL_PATH,
    REDIRECT_PATH,
    failure_page,
    install_page,
    success_page,
)
from bot.installations import InstallationClients
from bot.manifest import BOT_SCOPES
from bot.services import Services
from storage.installations import build_state_store

logger = logging.getLogger(__name__)

HTML: dict[str, str | Sequence[str]] = {"Content-Type": "text/html; charset=utf-8"}
# Seconds an "Add to Slack" link stays good (slack_sdk's default).
STATE_EXPIRY_SECONDS = 600


class SignedStateStore(OAuthStateStore):
    """The database's one-time states, each signed with SLACK_STATE_SECRET: a state that is
    not Coach's own (forged, or issued before the secret changed) is refused before the
    database is asked, and changing the secret voids every pending install link."""

    def __init__(self, store: OAuthStateStore, secret: str) -> None:
        self.store = store
        self._key = secret.encode("utf-8")

    @property
    def logger(self) -> logging.Logger:
        return logger

    def issue(self, *args: Any, **kwargs: Any) -> str:
        state = self.store.issue(*args, **kwargs)
        return f"{state}.{self._sign(state)}"

    def consume(self, state: str) -> bool:
        value, _, signature = (state or "").rpartition(".")
        if not value or not hmac.compare_digest(signature, self._sign(value)):
            return False
        return self.store.consume(value)

    def _sign(self, value: str) -> str:
        return hmac.new(self._key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


class RecentAuthorizations(OrderedDict[str, AuthorizeResult]):
    """Bolt's cache of auth.test answers per token, bounded: without it every request
    would wait on an auth.test to Slack before its ack; unbounded, every rotated token
    (two a day per workspace) would stay in memory for good. The installation is still
    looked up first on every request, so an uninstalled workspace is never served from it."""

    def __init__(self, size: int = 10_000) -> None:
        super().__init__()
        self.size = size

    def __setitem__(self, token: str, result: AuthorizeResult) -> None:
        super().__setitem__(token, result)
        self.move_to_end(token)
        while len(self) > self.size:
            self.popitem(last=False)


class CoachOAuthFlow(OAuthFlow):
    """Bolt's OAuth flow with Coach's own "Add to Slack" page."""

    def build_install_page_html(self, url: str, request: BoltRequest) -> str:
        return install_page(url)


def build_oauth_flow(services: Services) -> CoachOAuthFlow:
    """The flow behind /slack/install and /slack/oauth_redirect, over Coach's database."""
    return CoachOAuthFlow(
        client=services.slack,
        logger=logging.getLogger("coach.bolt.oauth"),
        settings=build_oauth_settings(services),
    )


def authorization_url(api_url: str | None) -> str | None:
    """Slack's consent page beside the Web API SLACK_API_URL names (GovSlack's for GovSlack);
    None for Slack's own, which Bolt knows."""
    if not api_url or not api_url.endswith("/api/"):
        return None
    return api_url.removesuffix("api/") + "oauth/v2/authorize"


def build_oauth_settings(services: Services) -> OAuthSettings:
    settings = services.settings
    clients = services.clients
    assert isinstance(clients, InstallationClients), "OAuth mode builds InstallationClients"

    def on_success(args: SuccessArgs) -> BoltResponse:
        returning = installed(services, installation=args.installation)
        name = args.installation.team_name or args.installation.enterprise_name or "Slack"
        return BoltResponse(status=200, body=success_page(name, returning=returning), headers=HTML)

    def on_failure(args: FailureArgs) -> BoltResponse:
        # The reason is Bolt's or Slack's code (access_denied, invalid_state…), never a secret.
        logger.info("an install did not complete: %s", args.reason)
        return BoltResponse(
            status=args.suggested_status_code, body=failure_page(args.reason), headers=HTML
        )

    oauth = OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=sorted(BOT_SCOPES),
        install_path=INSTALL_PATH,
        authorization_url=authorization_url(settings.slack_api_url),
        redirect_uri_path=REDIRECT_PATH,
        callback_options=CallbackOptions(success=on_success, failure=on_failure),
        installation_store=clients.store,
        state_store=SignedStateStore(
            build_state_store(services.engine, expiration_seconds=STATE_EXPIRY_SECONDS),
            settings.slack_state_secret or "",
        ),
        state_expiration_seconds=STATE_EXPIRY_SECONDS,
        token_rotation_expiration_minutes=settings.coach_token_refresh_minutes,
        logger=logging.getLogger("coach.bolt.oauth"),
    )
    # Bolt's own rotator would refresh without a lock, against slack.com whatever
    # SLACK_API_URL says; Coach's is locked and pointed where the client is.
    oauth.authorize.token_rotator = clients.rotator  # type: ignore[attr-defined]
    oauth.authorize.cache_enabled = True  # type: ignore[attr-defined]
    oauth.authorize.authorize_result_cache = RecentAuthorizations()  # type: ignore[attr-defined]
    return oauth
