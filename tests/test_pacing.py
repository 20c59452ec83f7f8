"""A sweep's chat.postMessage calls are paced to Slack's limits before Slack has to refuse
anything, and a 429's Retry-After holds back every paced post from the process. Time is
injected: no real waits beyond a few hundredths of a second."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from slack_sdk.errors import SlackApiError

from bot.clock import SandboxClock
from bot.flows.delivery import deliver
from bot.reframer import build_reframer
from bot.services import Services
from bot.settings import Settings, load_settings
from bot.slack_client import PostPacer, build_slack_client, paced_posts
from slack_emulator import SlackEmulator
from slack_emulator.payloads import TEAM_ID
from storage.db import make_engine
from tests.support.fake_time import FakeTime

MANAGER, REP, REP_2 = "U0MANAGER", "U0REP", "U0REP2"
SALES = "C0SALES"


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


def pacer_for(fake: FakeTime, **limits: float) -> PostPacer:
    return PostPacer(clock=fake.clock, sleep=fake.sleep, **limits)  # type: ignore[arg-type]


def post(pacer: PostPacer, fake: FakeTime, channel: str, takes: float = 0.0) -> float:
    """One post through the pacer; returns when it started (fake seconds)."""
    with pacer.turn(channel):
        started = fake.now
        fake.pass_(takes)
    return started


def test_posts_to_different_channels_go_at_once(fake: FakeTime) -> None:
    pacer = pacer_for(fake)
    for index in range(50):
        post(pacer, fake, f"U{index}", takes=0.005)
    assert fake.slept == []
    assert pacer.waited == 0


def test_a_second_post_to_a_channel_waits_a_second_after_the_first_finished(
    fake: FakeTime,
) -> None:
    pacer = pacer_for(fake)
    first = post(pacer, fake, SALES, takes=0.2)
    second = post(pacer, fake, SALES)
    assert second == pytest.approx(first + 0.2 + 1.0)
    assert post(pacer, fake, MANAGER) == pytest.approx(second)  # other channels are not held


def test_the_minute_budget_is_spent_then_waited_for(fake: FakeTime) -> None:
    pacer = pacer_for(fake, per_minute=3)
    starts = [post(pacer, fake, f"U{index}", takes=0.1) for index in range(5)]
    assert starts[:3] == pytest.approx([1_000.0, 1_000.1, 1_000.2])
    # The fourth waits until the first finished a minute ago, the fifth for the second.
    assert starts[3] == pytest.approx(1_000.1 + 60)
    assert starts[4] == pytest.approx(1_000.2 + 60)


def test_no_sixty_seconds_ever_hold_more_posts_than_the_budget(fake: FakeTime) -> None:
    pacer = pacer_for(fake, per_minute=10)
    finished = []
    for index in range(95):
        post(pacer, fake, f"U{index % 7}", takes=0.01)
        finished.append(fake.now)
    for index, start in enumerate(finished):
        in_window = [t for t in finished[index:] if t < start + 60]
        assert len(in_window) <= 10
    assert fake.now - 1_000 < 9 * 60 + 5  # and it is no slower than the budget makes it


def test_a_429_holds_back_every_post_for_its_retry_after(fake: FakeTime) -> None:
    pacer = pacer_for(fake)
    pacer.back_off(30)
    assert post(pacer, fake, "U_ANYONE") == pytest.approx(1_030)
    assert pacer.rate_limited == 1


def test_a_post_still_in_flight_holds_its_channel_until_it_finishes(fake: FakeTime) -> None:
    pacer = pacer_for(fake)
    with ExitStack() as in_flight:
        in_flight.enter_context(pacer.turn(SALES))
        fake.pass_(0.5)

        def finish_the_first_post_then_sleep(seconds: float) -> None:
            in_flight.close()  # the first post returns while the second waits
            FakeTime.sleep(fake, seconds)

        pacer.sleep = finish_the_first_post_then_sleep
        second = post(pacer, fake, SALES)
    assert second == pytest.approx(1_000.5 + 1.0)  # a second after it finished, not began


def test_posts_in_flight_together_count_against_the_budget_before_they_finish(
    fake: FakeTime,
) -> None:
    """A sweep keeps several posts in flight per workspace: each takes its place in the
    budget as it starts, so however many threads post at once, none overspends it."""
    pacer = pacer_for(fake, per_minute=3)
    with ExitStack() as in_flight:
        for index in range(3):
            in_flight.enter_context(pacer.turn(f"U{index}"))
        waits: list[float] = []

        def finish_them_then_sleep(seconds: float) -> None:
            waits.append(seconds)
            in_flight.close()  # the three return while the fourth waits
            FakeTime.sleep(fake, seconds)

        pacer.sleep = finish_them_then_sleep
        fourth = post(pacer, fake, "U3")
    assert waits  # it waited although none of the three had finished when it asked
    assert fourth == pytest.approx(1_000 + 60)  # a minute after the first finished


def test_limits_must_make_sense() -> None:
    with pytest.raises(ValueError):
        PostPacer(per_minute=0)


# --- the real client against the Slack emulator -------------------------------------------


@pytest.fixture
def emulator() -> Iterator[SlackEmulator]:
    with SlackEmulator() as emulator:
        for user in (MANAGER, REP, REP_2):
            emulator.add_user(user, user.lower())
        emulator.add_channel(SALES, "sales", members=[MANAGER, REP])
        yield emulator


def settings_for(emulator: SlackEmulator) -> Settings:
    return load_settings(
        env_file=None,
        slack_bot_token=emulator.token,
        slack_api_url=emulator.url,
        database_url="sqlite://",
        openai_api_key=None,
    )


def client_for(emulator: SlackEmulator, pacer: PostPacer):  # type: ignore[no-untyped-def]
    return build_slack_client(settings_for(emulator), pacer=pacer)


def test_a_sweeps_posts_to_one_channel_never_meet_slacks_per_channel_limit(
    emulator: SlackEmulator,
) -> None:
    emulator.enforce_rate_limits(post_message_per_channel_per_second=25)  # 40 ms apart
    settings = settings_for(emulator)
    client = build_slack_client(settings, pacer=PostPacer(channel_interval=0.04))
    services = Services(
        settings=settings,
        engine=make_engine(settings.database_url),
        clock=SandboxClock(),
        slack=client,
        reframer=build_reframer(settings),
    )
    for index in range(6):
        assert deliver(services, [], team_id=TEAM_ID, channel=SALES, text=f"digest {index}").sent
    calls = emulator.calls_to("chat.postMessage")
    assert [call.status for call in calls] == [200] * 6


def test_a_one_off_post_is_not_held_back(emulator: SlackEmulator) -> None:
    emulator.enforce_rate_limits(post_message_per_channel_per_second=25)
    client = client_for(emulator, PostPacer(channel_interval=0.04))
    client.retry_handlers.clear()  # no waiting out 429s either: see what Slack says
    client.chat_postMessage(channel=SALES, text="first")
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel=SALES, text="straight after, outside a sweep")
    assert refused.value.response.status_code == 429


def test_a_429_on_a_post_pauses_the_pacer_for_its_retry_after(
    emulator: SlackEmulator, fake: FakeTime
) -> None:
    pacer = pacer_for(fake)
    client = client_for(emulator, pacer)
    emulator.rate_limit_next("chat.postMessage", retry_after=7)
    with paced_posts():
        assert client.chat_postMessage(channel=REP, text="nudge")["ok"]
        assert fake.slept == [pytest.approx(7)]
        assert pacer.rate_limited == 1
        calls = emulator.calls_to("chat.postMessage")
        assert [(c.status, c.fault) for c in calls] == [(429, "rate_limit"), (200, None)]
        # The pause is over (the fake clock moved on): the next post goes at once.
        assert client.chat_postMessage(channel=REP_2, text="nudge")["ok"]
        assert len(fake.slept) == 1


def test_posts_give_up_after_three_429s_and_say_ratelimited(
    emulator: SlackEmulator, fake: FakeTime
) -> None:
    client = client_for(emulator, pacer_for(fake))
    emulator.rate_limit_next("chat.postMessage", retry_after=2, times=4)
    with paced_posts(), pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel=REP, text="nudge")
    assert refused.value.response["error"] == "ratelimited"
    assert len(emulator.calls_to("chat.postMessage")) == 4


def test_a_429_on_another_method_is_waited_out_without_pausing_posts(
    emulator: SlackEmulator, fake: FakeTime
) -> None:
    pacer = pacer_for(fake)
    client = client_for(emulator, pacer)
    emulator.rate_limit_next("users.info", retry_after=3)
    assert client.users_info(user=REP)["ok"]
    assert len(fake.slept) == 1 and 3 <= fake.slept[0] < 4
    assert pacer.rate_limited == 0
