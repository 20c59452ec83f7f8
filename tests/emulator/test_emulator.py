"""The Slack emulator answers a real slack_sdk WebClient the way Slack does."""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import builtin_handlers
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.webhook import WebhookClient

from slack_emulator import SlackEmulator

MANAGER, REP, OUTSIDER, GONE = "U0MANAGER", "U0REP", "U0OUTSIDER", "U0GONE"
SALES, PRIVATE = "C0SALES", "G0SECRET"
BLOCKS = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Plan* for today"}}]


@pytest.fixture
def emulator() -> Iterator[SlackEmulator]:
    with SlackEmulator() as emulator:
        emulator.add_user(MANAGER, "maria", real_name="Maria Manager", tz="America/Chicago")
        emulator.add_user(REP, "ravi", real_name="Ravi Rep")
        emulator.add_user(OUTSIDER, "olga")
        emulator.add_user(GONE, "gus", deleted=True)
        emulator.add_channel(SALES, "sales", members=[MANAGER, REP])
        emulator.add_channel(PRIVATE, "secret", is_private=True, bot_is_member=False)
        yield emulator


@pytest.fixture
def client(emulator: SlackEmulator) -> WebClient:
    return WebClient(token=emulator.token, base_url=emulator.url, retry_handlers=[])


def slack_error(call) -> str:  # type: ignore[no-untyped-def]
    """The `error` Slack answered a call with, which must have failed."""
    with pytest.raises(SlackApiError) as failure:
        call()
    return str(failure.value.response["error"])


def test_url_is_a_web_api_base_url(emulator: SlackEmulator) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/api/", emulator.url)


def test_auth_test_names_the_bot_and_the_team(client: WebClient) -> None:
    response = client.auth_test()
    assert response["team_id"] == "T0COACH"
    assert response["user_id"] == "UCOACHBOT"
    assert response["bot_id"].startswith("B")
    assert response["url"] == "https://coachsandbox.slack.com/"


def test_invalid_token_is_invalid_auth_and_a_missing_one_is_not_authed(
    emulator: SlackEmulator,
) -> None:
    wrong = WebClient(token="xoxb-wrong", base_url=emulator.url, retry_handlers=[])
    anonymous = WebClient(base_url=emulator.url, retry_handlers=[])
    assert slack_error(wrong.auth_test) == "invalid_auth"
    assert slack_error(anonymous.auth_test) == "not_authed"
    assert [call.token for call in emulator.calls] == ["xoxb-wrong", None]


def test_unknown_method_is_unknown_method(client: WebClient) -> None:
    assert slack_error(lambda: client.api_call("files.frobnicate")) == "unknown_method"


def test_users_info_answers_with_slacks_user_shape(
    emulator: SlackEmulator, client: WebClient
) -> None:
    emulator.set_status(MANAGER, "Vacationing", ":palm_tree:", int(time.time()) + 3600)
    user = client.users_info(user=MANAGER)["user"]
    offset = datetime.now(ZoneInfo("America/Chicago")).utcoffset()
    assert user["id"] == MANAGER and user["team_id"] == "T0COACH"
    assert user["real_name"] == "Maria Manager" and user["deleted"] is False
    assert user["tz"] == "America/Chicago" and user["tz_label"].startswith("Central")
    assert offset is not None and user["tz_offset"] == offset.total_seconds()
    assert user["profile"]["status_text"] == "Vacationing"
    assert user["profile"]["status_emoji"] == ":palm_tree:"


def test_an_expired_status_reads_as_empty(emulator: SlackEmulator, client: WebClient) -> None:
    emulator.set_status(REP, "Out of office", ":no_entry:", int(time.time()) - 1)
    assert client.users_info(user=REP)["user"]["profile"]["status_text"] == ""


def test_unknown_user_is_user_not_found(client: WebClient) -> None:
    assert slack_error(lambda: client.users_info(user="U0NOBODY")) == "user_not_found"


def test_a_deactivated_user_is_found_but_cannot_be_messaged(client: WebClient) -> None:
    assert client.users_info(user=GONE)["user"]["deleted"] is True
    assert slack_error(lambda: client.chat_postMessage(channel=GONE, text="hi")) == (
        "account_inactive"
    )


def test_posting_to_a_user_id_lands_in_their_dm(emulator: SlackEmulator, client: WebClient) -> None:
    posted = client.chat_postMessage(channel=REP, text="How did the demo go?")
    opened = client.conversations_open(users=REP)
    assert re.fullmatch(r"D[A-Z0-9]{10}", posted["channel"])
    assert opened["channel"]["id"] == posted["channel"] == emulator.dm_channel_id(REP)
    assert posted["message"]["user"] == "UCOACHBOT"
    assert [m["text"] for m in emulator.dm_messages(REP)] == ["How did the demo go?"]
    info = client.conversations_info(channel=posted["channel"])["channel"]
    assert info["is_im"] is True and info["user"] == REP


def test_dm_messages_include_thread_replies(emulator: SlackEmulator, client: WebClient) -> None:
    parent = client.chat_postMessage(channel=REP, text="Weekly check-in")
    emulator.post_as_user(REP, REP, "Went well", thread_ts=parent["ts"])
    reply = client.chat_postMessage(channel=parent["channel"], text="Noted", thread_ts=parent["ts"])
    assert reply["message"]["thread_ts"] == parent["ts"]
    assert [m["text"] for m in emulator.dm_messages(REP)] == ["Weekly check-in", "Noted"]
    assert len(emulator.messages_in(REP)) == 3


def test_ts_values_are_slack_shaped_unique_and_increasing(client: WebClient) -> None:
    stamps = [client.chat_postMessage(channel=SALES, text=str(n))["ts"] for n in range(5)]
    assert all(re.fullmatch(r"\d{10}\.\d{6}", ts) for ts in stamps)
    assert stamps == sorted(set(stamps), key=float)


def test_posting_where_the_bot_is_not_a_member_is_not_in_channel(
    emulator: SlackEmulator, client: WebClient
) -> None:
    emulator.remove_bot_from(SALES)
    assert slack_error(lambda: client.chat_postMessage(channel=SALES, text="hi")) == (
        "not_in_channel"
    )
    assert client.conversations_join(channel=SALES)["channel"]["is_member"] is True
    assert client.chat_postMessage(channel=SALES, text="hi")["ok"]


def test_unknown_or_hidden_channels_are_channel_not_found(client: WebClient) -> None:
    for channel in ("C0NOWHERE", PRIVATE):
        assert slack_error(lambda c=channel: client.chat_postMessage(channel=c, text="x")) == (
            "channel_not_found"
        )
        assert slack_error(lambda c=channel: client.conversations_info(channel=c)) == (
            "channel_not_found"
        )


def test_a_message_needs_text_or_blocks(client: WebClient) -> None:
    post = lambda: client.api_call("chat.postMessage", json={"channel": SALES})  # noqa: E731
    assert slack_error(post) == "no_text"


def test_members_are_paginated_with_cursors(client: WebClient) -> None:
    first = client.conversations_members(channel=SALES, limit=2)
    cursor = first["response_metadata"]["next_cursor"]
    rest = client.conversations_members(channel=SALES, limit=2, cursor=cursor)
    assert first["members"] + rest["members"] == [MANAGER, REP, "UCOACHBOT"]
    assert rest["response_metadata"]["next_cursor"] == ""


def test_ephemeral_reaches_only_a_member_of_the_channel(
    emulator: SlackEmulator, client: WebClient
) -> None:
    sent = client.chat_postEphemeral(channel=SALES, user=MANAGER, text="Try a question")
    assert sent["message_ts"]
    assert [e["text"] for e in emulator.ephemerals_for(MANAGER)] == ["Try a question"]
    assert emulator.messages_in(SALES) == []
    assert slack_error(
        lambda: client.chat_postEphemeral(channel=SALES, user=OUTSIDER, text="x")
    ) == ("user_not_in_channel")


def test_update_delete_react_and_permalink_act_on_existing_messages(
    emulator: SlackEmulator, client: WebClient
) -> None:
    ts = client.chat_postMessage(channel=SALES, text="Working on it…")["ts"]
    updated = client.chat_update(channel=SALES, ts=ts, text="Done", blocks=BLOCKS)
    assert updated["message"]["text"] == "Done" and updated["message"]["blocks"] == BLOCKS
    client.reactions_add(channel=SALES, timestamp=ts, name="white_check_mark")
    assert slack_error(
        lambda: client.reactions_add(channel=SALES, timestamp=ts, name="white_check_mark")
    ) == ("already_reacted")
    link = client.chat_getPermalink(channel=SALES, message_ts=ts)["permalink"]
    assert link.endswith(f"/archives/{SALES}/p{ts.replace('.', '')}")
    client.chat_delete(channel=SALES, ts=ts)
    assert emulator.messages_in(SALES) == []
    assert slack_error(lambda: client.chat_update(channel=SALES, ts=ts, text="x")) == (
        "message_not_found"
    )


def test_views_open_needs_a_trigger_id(emulator: SlackEmulator, client: WebClient) -> None:
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Goal"}, "blocks": []}
    assert slack_error(lambda: client.views_open(trigger_id="", view=modal)) == (
        "invalid_arguments"
    )
    trigger_id = emulator.new_trigger_id(REP)
    view = client.views_open(trigger_id=trigger_id, view=modal)["view"]
    assert re.fullmatch(r"V[A-Z0-9]{10}", view["id"]) and view["hash"]
    assert [v["id"] for v in emulator.open_views(REP)] == [view["id"]]
    changed = client.views_update(view_id=view["id"], view=modal, hash=view["hash"])["view"]
    assert changed["hash"] != view["hash"]
    assert slack_error(
        lambda: client.views_update(view_id=view["id"], view=modal, hash=view["hash"])
    ) == ("hash_conflict")


def test_views_publish_stores_the_home_tab_per_user(
    emulator: SlackEmulator, client: WebClient
) -> None:
    home = {"type": "home", "blocks": BLOCKS}
    published = client.views_publish(user_id=REP, view=home)["view"]
    assert emulator.home_view(REP) == published
    assert emulator.home_view(REP)["blocks"] == BLOCKS  # type: ignore[index]
    assert emulator.home_view(MANAGER) is None


def test_wait_for_sees_a_call_made_from_another_thread(
    emulator: SlackEmulator, client: WebClient
) -> None:
    later = threading.Timer(0.05, lambda: client.chat_postMessage(channel=SALES, text="later"))
    later.start()
    calls = emulator.wait_for("chat.postMessage", timeout=2)
    later.join()
    assert calls[0].params["text"] == "later" and calls[0].ok


def test_wait_for_times_out_listing_the_calls_seen(
    emulator: SlackEmulator, client: WebClient
) -> None:
    client.auth_test()
    with pytest.raises(AssertionError, match=r"(?s)chat\.postMessage.*auth\.test"):
        emulator.wait_for("chat.postMessage", timeout=0.05)


@pytest.mark.parametrize("encoding", ["json", "form"])
def test_recorded_params_decode_blocks(
    emulator: SlackEmulator, client: WebClient, encoding: str
) -> None:
    if encoding == "json":
        client.chat_postMessage(channel=SALES, text="plan", blocks=BLOCKS)
    else:
        params = {"channel": SALES, "text": "plan", "blocks": json.dumps(BLOCKS)}
        client.api_call("chat.postMessage", params=params)
    (call,) = emulator.calls_to("chat.postMessage")
    assert call.params["blocks"] == BLOCKS
    assert "token" not in call.params and call.token == emulator.token
    assert emulator.messages_in(SALES)[0]["blocks"] == BLOCKS


def test_get_query_strings_and_token_params_are_understood(emulator: SlackEmulator) -> None:
    url = f"{emulator.url}users.info?user={REP}&token={emulator.token}"
    with urllib.request.urlopen(url, timeout=5) as response:
        assert json.load(response)["user"]["name"] == "ravi"


def test_fail_next_fails_once_and_changes_nothing(
    emulator: SlackEmulator, client: WebClient
) -> None:
    emulator.fail_next("chat.postMessage", error="channel_not_found")
    assert slack_error(lambda: client.chat_postMessage(channel=SALES, text="a")) == (
        "channel_not_found"
    )
    assert emulator.messages_in(SALES) == []
    client.chat_postMessage(channel=SALES, text="b")
    assert [c.fault for c in emulator.calls_to("chat.postMessage")] == ["fail", None]
    assert [m["text"] for m in emulator.messages_in(SALES)] == ["b"]


def test_a_429_is_retried_after_its_retry_after(
    emulator: SlackEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []  # the handler's sleep, recorded instead of waited
    monkeypatch.setattr(builtin_handlers, "time", SimpleNamespace(sleep=slept.append))
    client = WebClient(
        token=emulator.token, base_url=emulator.url, retry_handlers=[RateLimitErrorRetryHandler()]
    )
    emulator.rate_limit_next("chat.postMessage", retry_after=2)
    assert client.chat_postMessage(channel=SALES, text="hi")["ok"]
    assert len(slept) == 1 and 2 <= slept[0] < 3
    calls = emulator.calls_to("chat.postMessage")
    assert [(c.status, c.fault) for c in calls] == [(429, "rate_limit"), (200, None)]
    assert len(emulator.messages_in(SALES)) == 1


def test_a_reset_connection_is_retried(emulator: SlackEmulator) -> None:
    handler = ConnectionErrorRetryHandler(
        interval_calculator=FixedValueRetryIntervalCalculator(0.01)
    )
    client = WebClient(token=emulator.token, base_url=emulator.url, retry_handlers=[handler])
    emulator.reset_connection_next("chat.postMessage")
    assert client.chat_postMessage(channel=SALES, text="hi")["ok"]
    calls = emulator.calls_to("chat.postMessage")
    assert [(c.status, c.fault) for c in calls] == [(0, "reset_connection"), (200, None)]
    assert len(emulator.messages_in(SALES)) == 1


def test_a_server_error_reaches_the_client(emulator: SlackEmulator, client: WebClient) -> None:
    emulator.server_error_next("users.info", status=503)
    with pytest.raises(SlackApiError) as failure:
        client.users_info(user=REP)
    assert failure.value.response.status_code == 503


def test_pacing_limits_posts_per_channel(emulator: SlackEmulator, client: WebClient) -> None:
    emulator.enforce_rate_limits(post_message_per_channel_per_second=1.0)
    client.chat_postMessage(channel=SALES, text="first")
    with pytest.raises(SlackApiError) as failure:
        client.chat_postMessage(channel=SALES, text="too soon")
    assert failure.value.response.status_code == 429
    assert failure.value.response.headers["Retry-After"] == "1"
    assert client.chat_postMessage(channel=REP, text="another channel")["ok"]


def test_a_response_url_reply_is_seen_only_by_its_user(emulator: SlackEmulator) -> None:
    url = emulator.response_url(SALES, MANAGER)
    assert WebhookClient(url).send(text="Usage: /coach log @rep").status_code == 200
    assert [e["text"] for e in emulator.ephemerals_for(MANAGER)] == ["Usage: /coach log @rep"]
    assert emulator.calls_to("response_url")[0].params["text"] == "Usage: /coach log @rep"


def test_history_is_newest_first_with_metadata_only_when_asked(
    emulator: SlackEmulator, client: WebClient
) -> None:
    client.retry_handlers.clear()
    metadata = {"event_type": "coach_delivery", "event_payload": {"ledger_ids": "7"}}
    dm = client.conversations_open(users=MANAGER)["channel"]["id"]
    first = client.chat_postMessage(channel=MANAGER, text="one", metadata=metadata)
    client.chat_postMessage(channel=dm, text="a reply", thread_ts=first["ts"])
    client.chat_postMessage(channel=MANAGER, text="two")
    plain = client.conversations_history(channel=dm)
    assert [m["text"] for m in plain["messages"]] == ["two", "one"]  # no thread replies
    assert all("metadata" not in m for m in plain["messages"])
    paged = client.conversations_history(channel=dm, limit=1, include_all_metadata=True)
    assert paged["has_more"] and [m["text"] for m in paged["messages"]] == ["two"]
    cursor = paged["response_metadata"]["next_cursor"]
    rest = client.conversations_history(channel=dm, cursor=cursor, include_all_metadata=True)
    assert rest["messages"][0]["metadata"] == metadata


def test_a_post_accepted_then_answered_503_is_posted_all_the_same(
    emulator: SlackEmulator, client: WebClient
) -> None:
    client.retry_handlers.clear()
    emulator.server_error_after_accept_next("chat.postMessage", status=503)
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel=SALES, text="maybe")
    assert refused.value.response.status_code == 503
    assert [m["text"] for m in emulator.messages_in(SALES)] == ["maybe"]


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_files_upload_v2_reserves_posts_the_bytes_and_shares_the_file(
    emulator: SlackEmulator, client: WebClient
) -> None:
    dm = client.conversations_open(users=MANAGER)["channel"]["id"]
    response = client.files_upload_v2(
        channel=dm,
        content=PNG,
        filename="trend.png",
        title="Cadence kept",
        alt_txt="a line chart",
        initial_comment="Your managers' 12 weeks",
    )
    assert response["file"]["title"] == "Cadence kept"
    reserved = emulator.calls_to("files.getUploadURLExternal")[0].params
    assert reserved["filename"] == "trend.png" and int(reserved["length"]) == len(PNG)
    assert emulator.calls_to("upload")[0].params["bytes"] == len(PNG)
    shared = emulator.dm_messages(MANAGER)[-1]
    assert shared["text"] == "Your managers' 12 weeks"
    assert shared["files"][0]["mimetype"] == "image/png"
    assert shared["files"][0]["size"] == len(PNG)


def test_an_upload_not_completed_byte_for_byte_is_refused(
    emulator: SlackEmulator, client: WebClient
) -> None:
    reserved = client.files_getUploadURLExternal(filename="trend.png", length=10)
    with pytest.raises(SlackApiError) as refused:
        client.files_completeUploadExternal(files=[{"id": reserved["file_id"], "title": "x"}])
    assert refused.value.response["error"] == "file_upload_incomplete"
    with pytest.raises(SlackApiError) as unknown:
        client.files_completeUploadExternal(files=[{"id": "F0NOSUCH", "title": "x"}])
    assert unknown.value.response["error"] == "file_not_found"
    request = urllib.request.Request(
        emulator.root_url + "upload/F0NOSUCH", data=b"abc", method="POST"
    )
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(request, timeout=5)
    assert missing.value.code == 404
