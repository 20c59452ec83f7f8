"""Secrets at rest: what an operator relies on when they set and rotate COACH_ENCRYPTION_KEY."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.settings import SettingsError, load_settings
from storage.encryption import (
    Cipher,
    EncryptionKeyMissing,
    SecretUnreadable,
    generate_key,
    require_cipher,
)


def test_a_secret_comes_back_and_is_not_stored_in_the_clear() -> None:
    cipher = Cipher([generate_key()])
    secret = "https://calendar.google.com/calendar/ical/morgan%40acme.com/private-abc/basic.ics"
    stored = cipher.encrypt(secret)
    assert "private-abc" not in stored
    assert cipher.decrypt(stored) == secret


def test_rotation_keeps_old_secrets_readable_and_moves_them_to_the_new_key() -> None:
    old, new = generate_key(), generate_key()
    stored = Cipher([old]).encrypt("xoxb-secret")
    both = Cipher([new, old])
    assert both.decrypt(stored) == "xoxb-secret"
    rotated = both.rotate(stored)
    assert Cipher([new]).decrypt(rotated) == "xoxb-secret"
    with pytest.raises(SecretUnreadable):
        Cipher([new]).decrypt(stored)


def test_no_key_means_no_secret_is_stored() -> None:
    with pytest.raises(EncryptionKeyMissing, match="coach keys new"):
        require_cipher(load_settings(env_file=None).cipher)


def test_a_malformed_key_is_one_line_naming_the_setting() -> None:
    with pytest.raises(SettingsError, match=r"^COACH_ENCRYPTION_KEY: .*Fernet"):
        load_settings(env_file=None, coach_encryption_key="not-a-key")
    two = f"{generate_key()}, {generate_key()}"
    assert load_settings(env_file=None, coach_encryption_key=two).cipher is not None


def test_coach_keys_new_prints_a_key_the_settings_accept() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "bot", "keys", "new"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert load_settings(env_file=None, coach_encryption_key=printed).cipher is not None


def test_add_to_slack_settings_are_all_or_nothing_and_need_a_key() -> None:
    oauth = {"slack_client_id": "1.2", "slack_client_secret": "s", "slack_state_secret": "x"}
    with pytest.raises(SettingsError, match=r"^SLACK_STATE_SECRET is not set but SLACK_CLIENT_ID"):
        load_settings(env_file=None, slack_client_id="1.2", slack_client_secret="s")
    with pytest.raises(SettingsError, match=r"^COACH_ENCRYPTION_KEY is not set"):
        load_settings(env_file=None, **oauth)
    with pytest.raises(SettingsError, match=r"^SLACK_BOT_TOKEN and SLACK_CLIENT_ID"):
        load_settings(
            env_file=None, slack_bot_token="xoxb-1", coach_encryption_key=generate_key(), **oauth
        )
    settings = load_settings(env_file=None, coach_encryption_key=generate_key(), **oauth)
    assert settings.oauth_enabled and settings.coach_uninstall_grace_days == 30
    assert not load_settings(env_file=None).oauth_enabled
