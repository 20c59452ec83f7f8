"""Installs and uninstalls: a workspace's life with Coach, and the erasure after it leaves.

An install through "Add to Slack" remembers the workspace with its Enterprise Grid org and
clears any pending erasure (a reinstall within the grace period finds its data again). An
uninstall (``app_uninstalled``, or ``tokens_revoked`` naming the bot) deletes the
installation at once, so no token of it is kept, and marks the workspace; the nightly
retention sweep erases the data of workspaces uninstalled more than
COACH_UNINSTALL_GRACE_DAYS ago, and ``coach erase --team T`` does it at once.
"""

from __future__ import annotations

import logging
import threading
import weakref
from datetime import timedelta

from slack_sdk.oauth.installation_store import Installation
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.installations import InstallationClients
from bot.services import Services
from storage.db import session_scope
from storage.privacy import erase_workspace
from storage.workspaces import (
    ensure_workspace,
    mark_installed,
    mark_uninstalled,
    team_ids_in_org,
    uninstalled_before,
)

logger = logging.getLogger(__name__)

# Workspaces already noted by this process, per database (engine).
_noted: weakref.WeakKeyDictionary[Engine, set[tuple[str, str | None]]] = weakref.WeakKeyDictionary()
_noted_lock = threading.Lock()


def installed(services: Services, *, installation: Installation) -> bool:
    """Remember the newly installed workspace (every known workspace of the org, for an
    org-wide install); True when it comes back within its grace period."""
    now = services.clock.now()
    with session_scope(services.engine) as session:
        if installation.is_enterprise_install and installation.enterprise_id:
            team_ids = team_ids_in_org(session=session, enterprise_id=installation.enterprise_id)
        else:
            team_ids = [installation.team_id] if installation.team_id else []
        returning = [
            mark_installed(
                session=session,
                team_id=team_id,
                now=now,
                enterprise_id=installation.enterprise_id,
                name=installation.team_name if not installation.is_enterprise_install else None,
            )
            for team_id in team_ids
        ]
    for team_id in team_ids:
        _forget_client(services, team_id)
    logger.info("installed in %s", ", ".join(team_ids) or installation.enterprise_id)
    return any(returning)


def note_workspace(services: Services, *, team_id: str, enterprise_id: str | None) -> None:
    """A request from a workspace: remembered with its org (once per process), so an
    org-wide install's workspaces are known to the sweeps and kept apart by team.

    With one SLACK_BOT_TOKEN there is no install to record: a request from a workspace
    that was uninstalled means Coach is back there (with a new token, so a restart), and
    its data is no longer waiting to be erased."""
    key = (team_id, enterprise_id)
    with _noted_lock:
        if key in _noted.get(services.engine, set()):
            return
    now = services.clock.now()
    try:
        with session_scope(services.engine) as session:
            if services.settings.oauth_enabled:
                ensure_workspace(
                    session=session, team_id=team_id, now=now, enterprise_id=enterprise_id
                )
            else:
                mark_installed(
                    session=session, team_id=team_id, now=now, enterprise_id=enterprise_id
                )
    except SQLAlchemyError as error:
        # Noting is not the request's work: it goes on (and meets the outage there, with
        # the person's friendly "try again"); the next request notes the workspace.
        logger.warning("could not note workspace %s (%s)", team_id, type(error).__name__)
        return
    with _noted_lock:
        _noted.setdefault(services.engine, set()).add(key)


def uninstalled(
    services: Services, *, team_id: str | None, enterprise_id: str | None, org_wide: bool
) -> None:
    """Coach was removed: its installation (tokens and all) goes now, the workspace's data
    after the grace period."""
    clients = services.clients
    if isinstance(clients, InstallationClients):
        clients.store.delete_workspace_installations(
            enterprise_id=enterprise_id, team_id=None if org_wide else team_id
        )
    now = services.clock.now()
    with session_scope(services.engine) as session:
        if org_wide and enterprise_id:
            team_ids = team_ids_in_org(session=session, enterprise_id=enterprise_id)
        else:
            team_ids = [team_id] if team_id else []
        mark_uninstalled(session=session, team_ids=team_ids, now=now)
    for uninstalled_team in team_ids:
        _forget_client(services, uninstalled_team)
    days = services.settings.coach_uninstall_grace_days
    logger.info("uninstalled from %s; data erased after %d days", ", ".join(team_ids), days)


def erase_now(services: Services, *, team_id: str) -> int:
    """``coach erase --team T``: every row the workspace has, at once. Rows erased."""
    clients = services.clients
    if isinstance(clients, InstallationClients):
        clients.forget(team_id)
    with session_scope(services.engine) as session:
        counts = erase_workspace(session=session, team_id=team_id)
    return sum(counts.values())


def erase_uninstalled(services: Services) -> int:
    """Part of the nightly retention sweep: workspaces past their grace period are erased,
    each in its own transaction. Returns how many workspaces were erased."""
    grace = timedelta(days=services.settings.coach_uninstall_grace_days)
    with session_scope(services.engine) as session:
        due = uninstalled_before(session=session, before=services.clock.now() - grace)
    for team_id in due:
        erase_now(services, team_id=team_id)
        logger.info("erased workspace %s: uninstalled more than %s ago", team_id, grace)
    return len(due)


def _forget_client(services: Services, team_id: str) -> None:
    if isinstance(services.clients, InstallationClients):
        services.clients.forget(team_id)
