"""chat.postMessage is not idempotent: when Slack posts a message and then answers 503,
or the connection drops before its answer, the person still gets exactly one message.
The next sweep finds the message in the DM's history (by the ledger ids in its metadata)
instead of posting it again; a message that really did not arrive is sent then."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from bot.clock import SandboxClock
from bot.flows.delivery import METADATA_EVENT, Key, claim_all
from bot.flows.sweeps import run_sweep
from slack_emulator import SlackEmulator
from storage.ledger import STALE_CLAIM
from storage.models import Pairing, SentMessage
from tests.conftest import MANAGER, REP
from tests.support.running_coach import RunningCoach


def _nudges(slack: SlackEmulator) -> list[dict]:
    return [m for m in slack.dm_messages(MANAGER) if m.get("blocks")]


def _overdue(coach: RunningCoach, clock: SandboxClock) -> None:
    assert "to accept you as their coach" in coach.answer(f"team add <@{REP}>", user=MANAGER)
    clock.advance(timedelta(days=8))
    coach.settle()
    assert coach.slack is not None
    coach.slack.clear_calls()


def _ledger(coach: RunningCoach) -> list[SentMessage]:
    with Session(coach.services.engine) as session:
        return list(session.exec(select(SentMessage).where(SentMessage.kind == "nudge")).all())


@pytest.mark.parametrize(
    "fault", ["server_error_after_accept_next", "reset_connection_after_accept_next"]
)
def test_a_post_slack_accepted_but_failed_to_confirm_arrives_once(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock, fault: str
) -> None:
    _overdue(coach, clock)
    getattr(slack, fault)("chat.postMessage")
    run_sweep(coach.services, "cadence")
    assert len(_nudges(slack)) == 1  # posted once, though Slack never said so
    assert len(slack.calls_to("chat.postMessage")) == 1  # and not retried blindly
    assert [row.status for row in _ledger(coach)] == ["unconfirmed"]
    for _ in range(3):  # the scheduler's next sweeps
        run_sweep(coach.services, "cadence")
    assert len(_nudges(slack)) == 1
    assert len(slack.calls_to("chat.postMessage")) == 1
    (row,) = _ledger(coach)
    assert row.status == "sent"
    assert row.message_ts == _nudges(slack)[0]["ts"]


def test_a_post_that_never_arrived_is_sent_by_the_next_sweep(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    _overdue(coach, clock)
    slack.server_error_next("chat.postMessage", status=503)  # refused before posting
    run_sweep(coach.services, "cadence")
    assert _nudges(slack) == []
    run_sweep(coach.services, "cadence")
    assert len(_nudges(slack)) == 1
    assert len(slack.calls_to("conversations.history")) == 1  # looked before posting again
    run_sweep(coach.services, "cadence")
    assert len(_nudges(slack)) == 1


def test_while_slack_cannot_be_asked_an_unconfirmed_post_waits(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    _overdue(coach, clock)
    slack.reset_connection_after_accept_next("chat.postMessage")
    run_sweep(coach.services, "cadence")
    slack.server_error_next("conversations.history", status=503, times=3)
    run_sweep(coach.services, "cadence")  # cannot look: posts nothing
    assert len(slack.calls_to("chat.postMessage")) == 1
    run_sweep(coach.services, "cadence")
    assert len(_nudges(slack)) == 1
    assert _ledger(coach)[0].status == "sent"


def test_a_check_in_and_a_digest_accepted_then_503_arrive_once(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    _overdue(coach, clock)
    assert "digest" in coach.answer("digest <#C0GENERAL|general>", user=MANAGER).lower()
    coach.answer("goal Ask one more discovery question on every call", user=REP)
    slack.server_error_after_accept_next("chat.postMessage", times=10)
    for _ in range(14):  # two weeks of daily sweeps: every check-in and digest due
        run_sweep(coach.services, "checkins")
        run_sweep(coach.services, "digest")
        clock.advance(timedelta(days=1))
        slack.clear_faults()
    landed = slack.messages_in("C0GENERAL") + slack.dm_messages(REP)
    ledger_ids = [m["metadata"]["event_payload"]["ledger_ids"] for m in landed if "metadata" in m]
    assert len(ledger_ids) >= 3  # two weekly check-ins and a digest, at least
    assert len(ledger_ids) == len(set(ledger_ids)), ledger_ids  # none arrived twice
    assert all(row.status == "sent" for row in _all_ledger(coach)), _all_ledger(coach)


def _all_ledger(coach: RunningCoach) -> list[SentMessage]:
    with Session(coach.services.engine) as session:
        return list(session.exec(select(SentMessage)).all())


def test_a_sweep_killed_after_slack_posted_is_not_sent_again(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    """kill -9 between Slack's answer and the sent mark: the stale claim is looked for
    before it is taken over, so even the message in flight arrives once."""
    _overdue(coach, clock)
    with Session(coach.services.engine) as session:
        pairing = session.exec(select(Pairing)).one()
    key = Key("nudge", f"pairing:{pairing.id}", f"{pairing.started_on.isoformat()}/1", MANAGER)
    ((_, ledger_id),) = claim_all(coach.services, "T0COACH", [key]).items()
    # What the dead process had done: the post, as deliver() makes it, and nothing after.
    coach.services.slack.chat_postMessage(
        channel=MANAGER,
        text="Time for a catch-up?",
        blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "catch-up"}}],
        metadata={"event_type": METADATA_EVENT, "event_payload": {"ledger_ids": str(ledger_id)}},
    )
    clock.advance(STALE_CLAIM + timedelta(minutes=1))
    run_sweep(coach.services, "cadence")
    run_sweep(coach.services, "cadence")
    assert len(_nudges(slack)) == 1
    (row,) = _ledger(coach)
    assert (row.status, row.attempts) == ("sent", 1)
