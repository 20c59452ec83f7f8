"""Every request names its workspace (and its Enterprise Grid org): remembered once per
process, so each workspace of an org-wide install is known with its org."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltResponse

from bot.flows.installs import note_workspace
from bot.services import Services

# Saying goodbye is not a sign of life: these must not undo the uninstall they announce.
FAREWELLS = frozenset({"app_uninstalled", "tokens_revoked"})


def remember_workspace(
    services: Services, body: dict[str, Any], context: BoltContext, next: Callable[[], BoltResponse]
) -> BoltResponse:
    farewell = (body.get("event") or {}).get("type") in FAREWELLS
    if context.team_id and not farewell:
        note_workspace(services, team_id=context.team_id, enterprise_id=context.enterprise_id)
    return next()
