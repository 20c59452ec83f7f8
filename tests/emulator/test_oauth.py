"""The emulator answers installs, refreshes and uninstalls as Slack does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from slack_emulator import SlackEmulator


@pytest.fixture
def emulator() -> Iterator[SlackEmulator]:
    with SlackEmulator() as running:
        running.oauth.register_app("1.2", "secret")
        running.workspace.add_user("UMGR", "morgan")
        yield running


def _exchange(emulator: SlackEmulator, **grant: str) -> dict[str, Any]:
    client = WebClient(base_url=emulator.url)
    answer = client.oauth_v2_access(client_id="1.2", client_secret="secret", **grant)
    assert isinstance(answer.data, dict)
    return answer.data


def test_a_code_gives_a_rotating_bot_token_once(emulator: SlackEmulator) -> None:
    code = emulator.install(emulator.workspace, user_id="UMGR", client_id="1.2")
    granted = _exchange(emulator, code=code)
    assert granted["token_type"] == "bot" and granted["expires_in"] == 43_200
    assert granted["team"]["id"] == emulator.workspace.team_id
    assert granted["authed_user"] == {"id": "UMGR"}
    token = granted["access_token"]
    assert WebClient(token=token, base_url=emulator.url).auth_test()["team_id"] == "T0COACH"
    with pytest.raises(SlackApiError, match="invalid_code"):
        _exchange(emulator, code=code)


def test_a_refresh_token_works_once(emulator: SlackEmulator) -> None:
    code = emulator.install(emulator.workspace, user_id="UMGR", client_id="1.2")
    refresh = _exchange(emulator, code=code)["refresh_token"]
    fresh = _exchange(emulator, grant_type="refresh_token", refresh_token=refresh)
    assert fresh["refresh_token"] != refresh
    with pytest.raises(SlackApiError, match="invalid_refresh_token"):
        _exchange(emulator, grant_type="refresh_token", refresh_token=refresh)
    assert [e.error for e in emulator.oauth.refreshes()] == [None, "invalid_refresh_token"]


def test_a_wrong_secret_and_an_expired_token_are_refused(emulator: SlackEmulator) -> None:
    with pytest.raises(SlackApiError, match="bad_client_secret"):
        WebClient(base_url=emulator.url).oauth_v2_access(
            client_id="1.2", client_secret="wrong", code="x"
        )
    emulator.oauth.token_lifetime = -1
    code = emulator.install(emulator.workspace, user_id="UMGR", client_id="1.2")
    token = _exchange(emulator, code=code)["access_token"]
    with pytest.raises(SlackApiError, match="token_expired"):
        WebClient(token=token, base_url=emulator.url).auth_test()


def test_apps_uninstall_revokes_every_token_of_the_workspace(emulator: SlackEmulator) -> None:
    other = emulator.add_workspace("T0OTHER", "Other")
    tokens = {}
    for workspace in (emulator.workspace, other):
        code = emulator.install(workspace, user_id="UMGR", client_id="1.2")
        tokens[workspace.team_id] = _exchange(emulator, code=code)["access_token"]
    client = WebClient(token=tokens["T0OTHER"], base_url=emulator.url)
    assert client.auth_test()["team_id"] == "T0OTHER"  # auth.test answers per token
    client.apps_uninstall(client_id="1.2", client_secret="secret")
    with pytest.raises(SlackApiError, match="token_revoked"):
        client.auth_test()
    first = WebClient(token=tokens["T0COACH"], base_url=emulator.url)
    assert first.auth_test()["team_id"] == "T0COACH"
