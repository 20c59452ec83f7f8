"""A sweep killed mid-send (kill -9) loses nothing: the claim it left behind is taken over
once it is stale, and at most the one message in flight can arrive twice."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from bot.clock import SandboxClock
from bot.flows.delivery import Key, claim_all
from bot.flows.sweeps import run_sweep
from slack_emulator import SlackEmulator
from storage.ledger import STALE_CLAIM
from storage.models import Pairing, SentMessage
from tests.conftest import MANAGER, REP
from tests.support.running_coach import RunningCoach


def _nudges(slack: SlackEmulator) -> int:
    return len(
        [c for c in slack.calls_to("chat.postMessage") if c.ok and c.params["channel"] == MANAGER]
    )


def _die_after_claiming(coach: RunningCoach) -> None:
    """What a process killed between claiming a nudge and sending it leaves behind."""
    with Session(coach.services.engine) as session:
        pairing = session.exec(select(Pairing)).one()
    period = f"{pairing.started_on.isoformat()}/1"
    key = Key("nudge", f"pairing:{pairing.id}", period)
    assert claim_all(coach.services, "T0COACH", [key])


def test_a_send_whose_process_died_is_taken_over_once_it_is_stale(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    clock.advance(timedelta(days=8))
    _die_after_claiming(coach)
    run_sweep(coach.services, "cadence")
    assert _nudges(slack) == 0  # the claim may still be in flight elsewhere: leave it
    clock.advance(STALE_CLAIM + timedelta(minutes=1))
    run_sweep(coach.services, "cadence")
    run_sweep(coach.services, "cadence")
    assert _nudges(slack) == 1
    with Session(coach.services.engine) as session:
        row = session.exec(select(SentMessage)).one()
    assert (row.status, row.attempts) == ("sent", 2)
