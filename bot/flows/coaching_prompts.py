"""Acting on a reframe: send the questions to the rep, or keep them for the next 1:1.

Everything a button carries is re-checked here: the rep must be on the presser's team,
and the questions must still pass the coaching quality bar before they reach anyone.
"""

from __future__ import annotations

from bot.blocks.reframe import Prompt, build_prompt_for_rep
from bot.blocks.replies import Outcome, done, refused
from bot.domain.quality import check_reframe
from bot.flows.asking import count_asked
from bot.flows.pairings import caller_pairing
from bot.services import Services
from storage.agenda import add_agenda_item
from storage.db import session_scope
from storage.pairings import managed_pairing


def send_prompt(
    services: Services, *, team_id: str, manager_id: str, rep_id: str, prompt: Prompt
) -> Outcome:
    problem = _problem(services, team_id, manager_id, rep_id, prompt)
    if problem is not None:
        return problem
    text, blocks = build_prompt_for_rep(manager_id, prompt)
    services.slack_for(team_id).chat_postMessage(channel=rep_id, text=text, blocks=blocks)
    count_asked(services, team_id=team_id, manager_id=manager_id, ref=prompt.ref)
    return done("coaching", "sent", rep=rep_id)


def save_to_agenda(
    services: Services, *, team_id: str, manager_id: str, rep_id: str, prompt: Prompt
) -> Outcome:
    problem = _problem(services, team_id, manager_id, rep_id, prompt)
    if problem is not None:
        return problem
    with session_scope(services.engine) as session:
        pairing = managed_pairing(
            session=session, team_id=team_id, manager_id=manager_id, rep_id=rep_id
        )
        if pairing is None:
            return refused("coaching", "not_your_rep", rep=rep_id)
        add_agenda_item(
            session=session,
            team_id=team_id,
            pairing_id=pairing.id or 0,
            competency=prompt.competency or "",
            focus=prompt.focus[:280],
            questions=list(prompt.questions),
            now=services.clock.now(),
        )
    count_asked(services, team_id=team_id, manager_id=manager_id, ref=prompt.ref)
    return done("coaching", "added", rep=rep_id)


def _problem(
    services: Services, team_id: str, manager_id: str, rep_id: str, prompt: Prompt
) -> Outcome | None:
    if not check_reframe(prompt.questions, prompt.competency, kind=prompt.kind).sendable:
        return refused("coaching", "not_a_reframe")
    if caller_pairing(services, team_id=team_id, manager_id=manager_id, rep_id=rep_id) is None:
        return refused("coaching", "not_your_rep", rep=rep_id)
    return None
