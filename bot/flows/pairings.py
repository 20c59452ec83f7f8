"""Pairings as the flows use them: whether the caller manages one, and its cadence facts."""

from __future__ import annotations

from bot.domain.cadence import PairingFacts, PauseSpan
from bot.services import Services
from storage.db import session_scope
from storage.models import Pairing
from storage.pairings import PairingRow, managed_pairing


def caller_pairing(
    services: Services,
    *,
    team_id: str,
    manager_id: str,
    rep_id: str | None = None,
    pairing_id: int | None = None,
) -> Pairing | None:
    """The pairing a mention or a button names, if the caller manages it, read in its own
    transaction: for checks made before a flow's work (a flow that changes the pairing asks
    ``storage.pairings.managed_pairing`` inside its own transaction instead)."""
    with session_scope(services.engine) as session:
        return managed_pairing(
            session=session,
            team_id=team_id,
            manager_id=manager_id,
            rep_id=rep_id,
            pairing_id=pairing_id,
        )


def facts_of(row: PairingRow) -> PairingFacts:
    """What the cadence math needs of a stored pairing: its last 1:1 and every pause (the
    rep's and the manager's own, from the pause history, which holds the commanded ones
    as well as the absences seen in a Slack status)."""
    pairing = row.pairing
    return PairingFacts(
        cadence_days=pairing.cadence_days,
        started_on=pairing.started_on,
        last_held_on=row.last_held_on,
        snoozed_until=pairing.snoozed_until,
        pauses=tuple(PauseSpan(p.starts_on, p.ends_on) for p in row.pauses),
    )
