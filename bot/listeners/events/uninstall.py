"""Coach was uninstalled (``app_uninstalled``) or its bot token revoked (``tokens_revoked``):
the installation goes now, the workspace's data after the grace period (flows/installs.py).
Registered before the catch-all, which would otherwise swallow them."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext

from bot.flows.installs import uninstalled
from bot.services import Services


def handle_app_uninstalled(services: Services, context: BoltContext) -> None:
    uninstalled(
        services,
        team_id=context.team_id,
        enterprise_id=context.enterprise_id,
        org_wide=bool(context.is_enterprise_install),
    )


def handle_tokens_revoked(services: Services, event: dict[str, Any], context: BoltContext) -> None:
    """Only the bot's tokens matter: Coach asks for no user token, and without its bot
    token it can do nothing in the workspace."""
    if not (event.get("tokens") or {}).get("bot"):
        return
    handle_app_uninstalled(services, context)
