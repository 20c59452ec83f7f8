"""PostgreSQL goes away under a running server: people are told to try again, /healthz says
503, and the server recovers by itself when the database is back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import make_url

from slack_emulator import SlackEmulator
from tests.conftest import MANAGER, REP, make_settings
from tests.support.running_coach import RunningCoach
from tests.support.tcp_proxy import TcpProxy


@pytest.fixture
def proxied(database_url: str, slack: SlackEmulator) -> Iterator[tuple[RunningCoach, TcpProxy]]:
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("an outage needs a database across a network: PostgreSQL")
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    through_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    running = RunningCoach(make_settings(through_proxy, slack.url), slack=slack)
    try:
        yield running, proxy
    finally:
        running.close()
        proxy.close()


def test_outage_gets_try_again_and_503_then_recovers(
    proxied: tuple[RunningCoach, TcpProxy],
) -> None:
    coach, proxy = proxied
    assert "to accept you as their coach" in coach.answer(f"team add <@{REP}>", user=MANAGER)
    assert coach.request("GET", "/healthz").status == 200

    proxy.cut()
    assert coach.request("GET", "/healthz").status == 503
    assert "try again" in coach.answer("team", user=MANAGER)

    proxy.restore()
    assert coach.request("GET", "/healthz").status == 200
    assert "Your team: 1 rep\n" in coach.answer("team", user=MANAGER)
