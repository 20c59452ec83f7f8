"""The asking rate's counts: each reframe Coach offers a manager, and whether they asked it.

No text is kept, as ever: a reframe with questions gets a row holding who, when and a
random token; the token rides on the reframe's buttons, and sending the questions to the
rep or saving them for a 1:1 marks that row asked (once, however many buttons are pressed).
"""

from __future__ import annotations

from bot.domain.reframing import Reframe
from bot.services import Services
from storage.db import session_scope
from storage.insights import mark_asked, record_reframe


def reframe_for(
    services: Services, *, team_id: str, author_id: str, text: str
) -> tuple[Reframe, str]:
    """The reframe of ``text`` and the token its buttons carry ("" when it has no questions
    to ask, which the asking rate does not count)."""
    reframe = services.reframer.reframe(text)
    if not reframe.questions:
        return reframe, ""
    now = services.clock.now()
    with session_scope(services.engine) as session:
        ref = record_reframe(
            session=session, team_id=team_id, manager_id=author_id, on=now.date(), now=now
        )
    return reframe, ref


def count_asked(services: Services, *, team_id: str, manager_id: str, ref: str) -> None:
    """The manager asked the questions of the reframe ``ref`` names (only their own counts)."""
    if not ref:
        return
    with session_scope(services.engine) as session:
        mark_asked(
            session=session,
            team_id=team_id,
            manager_id=manager_id,
            ref=ref,
            on=services.clock.now().date(),
        )
