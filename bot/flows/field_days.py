"""Field days: a manager spends time at a rep's routine calls to observe one skill.

Not team selling (joining a big deal to close it): the rep sells, the manager watches the
rep's focus behaviour, and the 1:1 afterwards starts with what the rep noticed. A field
day is recorded against the rep's current focus (its competency id); it does not count as
a 1:1, which keeps its own cadence.
"""

from __future__ import annotations

from bot.blocks.replies import Outcome, done, refused
from bot.domain.cadence import format_day
from bot.domain.reframing.competencies import competency_label
from bot.flows.logged_day import read_logged_day
from bot.services import Services
from storage.db import session_scope
from storage.goals import active_goals_for
from storage.insights import record_field_day
from storage.pairings import managed_pairing


def log_field_day(
    services: Services, *, team_id: str, manager_id: str, rep_id: str, held_on: str | None
) -> Outcome:
    """Record a field day on the day named (today by default, never in the future), for a
    rep the caller coaches; the reply names the focus it observed."""
    read = read_logged_day(
        services, team_id=team_id, manager_id=manager_id, rep_id=rep_id, held_on=held_on
    )
    if isinstance(read, Outcome):
        return read
    day, now = read.day, read.now
    with session_scope(services.engine) as session:
        pairing = managed_pairing(
            session=session, team_id=team_id, manager_id=manager_id, rep_id=rep_id
        )
        if pairing is None:
            return refused("team", "not_your_rep", rep=rep_id)
        # The rep's focus counts only once they accepted this manager, as in the plan.
        goals = active_goals_for(
            session=session, team_id=team_id, rep_ids=[rep_id] if pairing.accepted else []
        )
        goal = goals.get(rep_id)
        record_field_day(
            session=session,
            team_id=team_id,
            pairing_id=pairing.id or 0,
            held_on=day,
            competency=goal.competency if goal else None,
            logged_by=manager_id,
            now=now,
        )
    if goal is None:
        return done("insights", "field_day.logged_no_focus", rep=rep_id, date=format_day(day))
    return done(
        "insights",
        "field_day.logged",
        rep=rep_id,
        date=format_day(day),
        focus=competency_label(goal.competency).lower(),
    )
