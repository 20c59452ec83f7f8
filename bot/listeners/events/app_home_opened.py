"""``app_home_opened``: publish the person's App Home, fresh."""

from __future__ import annotations

from typing import Any

from bot.flows.home import publish_home
from bot.services import Services


def handle_app_home_opened(services: Services, body: dict[str, Any], event: dict[str, Any]) -> None:
    if event.get("tab") not in (None, "home"):
        return
    publish_home(services, team_id=str(body.get("team_id") or ""), user_id=event["user"])
