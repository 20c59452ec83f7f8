"""The goal form is acked before Slack is asked anything, and saved once however often
it is submitted: a rate-limited users.info used to make the ack miss Slack's 3 seconds
(Slack showed the rep an error, yet the goal was saved, and a retry saved it twice)."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import select
from sqlmodel import Session

from bot import slack_ids
from bot.clock import SandboxClock
from bot.settings import Settings
from bot.slack_client import ClientTiming
from slack_emulator import SlackEmulator, payloads
from slack_emulator.payloads import Payloads
from storage.models import Goal
from tests.conftest import MANAGER, REP
from tests.http.test_goals import BEHAVIOUR, _modal_values
from tests.support.running_coach import RunningCoach


def _goals(coach: RunningCoach) -> list[Goal]:
    with Session(coach.services.engine) as session:
        return [row[0] for row in session.exec(select(Goal)).all()]


def _told_manager(slack: SlackEmulator) -> list:
    return [
        c
        for c in slack.calls_to("chat.postMessage")
        if c.ok and c.params["channel"] == MANAGER and "focus" in c.params["text"]
    ]


def test_the_form_is_acked_at_once_while_users_info_is_rate_limited(
    settings: Settings, slack: SlackEmulator, clock: SandboxClock
) -> None:
    # Real waits: Slack's Retry-After is slept out for real, as in production.
    coach = RunningCoach(settings, slack=slack, clock=clock, slack_timing=ClientTiming())
    try:
        coach.pair(MANAGER, REP)  # accepted: only then is the manager told the rep's focus
        coach.settle()
        clock.advance(timedelta(hours=2))  # what Coach knows of the rep is no longer fresh
        slack.rate_limit_next("users.info", retry_after=4, times=2)
        started = time.monotonic()
        reply = coach.submit(slack_ids.VIEW_GOAL, _modal_values(), user=REP)
        took = time.monotonic() - started
        assert reply.status == 200 and not reply.body
        assert took < 1.0, f"the form's ack took {took:.2f} s"
        told = slack.wait_for(
            "chat.postMessage",
            where=lambda c: c.params["channel"] == MANAGER and "focus" in c.params["text"],
            timeout=20,
        )
        assert BEHAVIOUR in told[0].params["text"]
        assert [g.behaviour for g in _goals(coach)] == [BEHAVIOUR]
    finally:
        coach.close()


def test_the_same_form_submitted_twice_is_saved_once(
    coach: RunningCoach, slack: SlackEmulator
) -> None:
    coach.pair(MANAGER, REP)
    view = payloads.modal(slack_ids.VIEW_GOAL)
    body = Payloads().view_submission(view, _modal_values(), user_id=REP)
    assert coach.post_signed(body).status == 200
    assert coach.post_signed(body).status == 200  # the rep pressed Submit again
    coach.settle()
    assert [g.behaviour for g in _goals(coach)] == [BEHAVIOUR]
    assert len(_told_manager(slack)) == 1
    to_rep = [c for c in slack.calls_to("chat.postMessage") if c.params["channel"] == REP]
    assert len([c for c in to_rep if BEHAVIOUR in str(c.params)]) == 1


def test_a_bad_form_still_gets_its_errors_on_the_ack(
    coach: RunningCoach, slack: SlackEmulator
) -> None:
    slack.rate_limit_next("users.info", retry_after=30, times=5)
    reply = coach.submit(slack_ids.VIEW_GOAL, _modal_values(target="2026-11-01"), user=REP)
    assert reply.json["response_action"] == "errors"
    assert "target" in reply.json["errors"]
    assert slack.calls_to("users.info") == []
    assert _goals(coach) == []
