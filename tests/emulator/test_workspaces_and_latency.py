"""The emulator answers many workspaces at once, each with its own limits, and as slowly
as Slack when asked: a fake that answers in a millisecond hides what latency costs."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from slack_emulator import Latency, SlackEmulator, Workspace
from slack_emulator.latency import LATENCY_ENV

MANAGER = "U0MANAGER"


def _workspace(n: int) -> Workspace:
    workspace = Workspace(f"T0TEAM{n}", f"Team {n}", bot_token=f"xoxb-team-{n}")
    workspace.add_user(MANAGER, f"manager{n}")
    for r in range(5):
        workspace.add_user(f"U0REP{r}", f"rep{r}")
    return workspace


@pytest.fixture
def two() -> Iterator[SlackEmulator]:
    with SlackEmulator(_workspace(1)) as emulator:
        emulator.serve_workspace(_workspace(2))
        yield emulator


def _client(emulator: SlackEmulator, team: int) -> WebClient:
    return WebClient(token=f"xoxb-team-{team}", base_url=emulator.url, retry_handlers=[])


@pytest.mark.parametrize(
    ("spec", "low", "high"),
    [("150ms", 0.15, 0.15), ("100-300ms", 0.1, 0.3), ("0.2s", 0.2, 0.2), ("0", 0.0, 0.0)],
)
def test_latency_is_written_as_slack_latencies_are_quoted(
    spec: str, low: float, high: float
) -> None:
    latency = Latency.parse(spec)
    assert (latency.low, latency.high) == pytest.approx((low, high))
    assert all(low <= latency.sample() <= high for _ in range(50))


@pytest.mark.parametrize("spec", ["fast", "300-100ms", "-5ms", "150 minutes"])
def test_a_latency_that_makes_no_sense_says_how_to_write_one(spec: str) -> None:
    with pytest.raises(ValueError, match="latency"):
        Latency.parse(spec)


def test_each_call_takes_the_latency_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LATENCY_ENV, "120-160ms")
    with SlackEmulator(_workspace(1)) as emulator:
        assert str(emulator.latency) == "120-160ms"
        client = _client(emulator, 1)
        started = time.monotonic()
        for _ in range(3):
            client.auth_test()
        assert time.monotonic() - started >= 3 * 0.12


def test_a_post_lands_before_its_answer_comes_back() -> None:
    with SlackEmulator(_workspace(1), latency="400ms") as emulator:
        client = _client(emulator, 1)
        with ThreadPoolExecutor(1) as pool:
            answer = pool.submit(client.chat_postMessage, channel=MANAGER, text="hello")
            emulator.wait_for("chat.postMessage", timeout=2)
            assert emulator.dm_messages(MANAGER) and not answer.done()
            assert answer.result()["ok"]


def test_each_token_speaks_to_its_own_workspace(two: SlackEmulator) -> None:
    assert _client(two, 1).auth_test()["team_id"] == "T0TEAM1"
    assert _client(two, 2).auth_test()["team_id"] == "T0TEAM2"
    _client(two, 2).chat_postMessage(channel=MANAGER, text="for team 2")
    assert two.workspaces["T0TEAM2"].dm_messages(MANAGER)[0]["text"] == "for team 2"
    assert two.workspaces["T0TEAM1"].dm_messages(MANAGER) == []
    with pytest.raises(SlackApiError) as refused:
        WebClient(token="xoxb-nobody", base_url=two.url).auth_test()
    assert refused.value.response["error"] == "invalid_auth"


def test_rate_limits_are_counted_per_workspace(two: SlackEmulator) -> None:
    for workspace in two.workspaces.values():
        workspace.enforce_rate_limits(1.0, per_minute=3)
    first, second = _client(two, 1), _client(two, 2)
    for r in range(3):
        first.chat_postMessage(channel=f"U0REP{r}", text="hi")
    with pytest.raises(SlackApiError) as refused:
        first.chat_postMessage(channel="U0REP3", text="one too many")
    assert refused.value.response.status_code == 429
    assert int(refused.value.response.headers["Retry-After"]) > 50  # the minute's remainder
    # The other workspace's budget is its own, untouched.
    for r in range(3):
        assert second.chat_postMessage(channel=f"U0REP{r}", text="hi")["ok"]
    assert (two.workspaces["T0TEAM1"].rate_limited, two.workspaces["T0TEAM2"].rate_limited) == (
        1,
        0,
    )
    assert two.workspaces["T0TEAM1"].busiest_minute == 3


def test_other_methods_are_limited_by_their_tier_when_asked(two: SlackEmulator) -> None:
    client = _client(two, 1)
    for _ in range(120):  # no tiers: users.info answers as often as asked
        client.users_info(user=MANAGER)
    two.workspaces["T0TEAM1"].enforce_rate_limits(tiers=True)
    for _ in range(100):  # users.info is Tier 4: 100+ a minute
        client.users_info(user=MANAGER)
    with pytest.raises(SlackApiError) as refused:
        client.users_info(user=MANAGER)
    assert refused.value.response.status_code == 429
    assert refused.value.response.headers["Retry-After"]
    for _ in range(50):  # conversations.open, Tier 3, keeps its own count
        client.conversations_open(users=MANAGER)
    with pytest.raises(SlackApiError):
        client.conversations_open(users=MANAGER)
    assert _client(two, 2).users_info(user=MANAGER)["ok"]  # the other workspace is fine


def test_it_counts_the_calls_being_answered_at_once(two: SlackEmulator) -> None:
    two.latency = Latency.parse("200ms")
    client = _client(two, 1)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda r: client.chat_postMessage(channel=f"U0REP{r}", text="hi"), range(4)))
    _client(two, 2).chat_postMessage(channel=MANAGER, text="alone")
    assert two.most_in_flight("chat.postMessage", "T0TEAM1") == 4
    assert two.most_in_flight("chat.postMessage", "T0TEAM2") == 1
