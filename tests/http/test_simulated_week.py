"""Two servers and two schedulers on one database, through a simulated week: every
nudge, check-in and digest is sent exactly once."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from sqlmodel import Session, select

from bot.clock import SandboxClock
from bot.flows.sweeps import run_sweep
from bot.scheduler import sweep_triggers
from bot.settings import Settings
from slack_emulator import SlackEmulator
from storage.models import SentMessage
from tests.support.running_coach import RunningCoach

MANAGERS = ["UWEEKMGR1", "UWEEKMGR2", "UWEEKMGR3"]
CHANNEL = "C0WEEKLY"


def _setup(servers: list[RunningCoach], slack: SlackEmulator) -> None:
    slack.workspace.add_channel(CHANNEL, "sales-leads", members=MANAGERS)
    for m, manager in enumerate(MANAGERS):
        slack.workspace.add_user(manager, f"mgr{m}", tz="Europe/London")
        server = servers[m % 2]
        for r in range(2):
            rep = f"UWEEKREP{m}{r}"
            slack.workspace.add_user(rep, f"rep{m}{r}", tz=["America/Denver", "Asia/Tokyo"][r])
            assert "to accept you as their coach" in server.answer(
                f"team add <@{rep}>", user=manager
            )
            server.answer(f"goal Ask for the next step on call {m}{r}", user=rep)
        server.answer(f"digest <#{CHANNEL}>", user=manager)


def _due(servers: list[RunningCoach], since: datetime, until: datetime) -> list[str]:
    triggers = sweep_triggers(servers[0].services)
    due = []
    for name, trigger in triggers.items():
        fire = trigger.get_next_fire_time(None, since)
        if fire is not None and fire <= until:
            due.append(name)
    return due


def test_a_week_with_two_of_everything_sends_each_message_once(
    settings: Settings, slack: SlackEmulator, clock: SandboxClock
) -> None:
    servers = [
        RunningCoach(settings, slack=slack, clock=clock),
        RunningCoach(settings, slack=slack, clock=clock, migrate=False),
    ]
    try:
        _setup(servers, slack)
        slack.clear_calls()
        for _ in range(8 * 24):  # Monday afternoon to the next Tuesday
            before = clock.now()
            clock.advance(timedelta(hours=1))
            for name in _due(servers, before, clock.now()):
                # Both schedulers fire the same sweep at the same moment.
                threads = [
                    threading.Thread(target=run_sweep, args=(server.services, name))
                    for server in servers
                ]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
        posts = [c for c in slack.calls_to("chat.postMessage") if c.ok]
        with Session(servers[0].services.engine) as session:
            sent = list(session.exec(select(SentMessage).where(SentMessage.status == "sent")))
    finally:
        for server in servers:
            server.close()
    kinds = {row.kind for row in sent}
    assert {"nudge", "checkin", "digest"} <= kinds
    # Every post the emulator saw is recorded against its ledger keys (a nudge DM covers
    # every rep of one manager), and no post went out without one.
    messages = {(row.channel_id, row.message_ts) for row in sent}
    assert len(posts) == len(messages)
    digests = [row for row in sent if row.kind == "digest"]
    assert len(digests) == len({row.period for row in digests})  # one per week
    check_ins = [row for row in sent if row.kind == "checkin"]
    assert len(check_ins) == len({(row.subject, row.period) for row in check_ins})
    assert len(check_ins) == 6  # six goals, one check-in week
