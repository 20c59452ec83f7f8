"""Configuration from the environment (and an optional ``.env``), checked once at start.

Settings are built once by the CLI and passed down; nothing reads the environment at
import time, so tests and the ``coach try`` sandbox can build as many apps as they like.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from storage.encryption import Cipher, parse_keys

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
# Letters, digits and hyphens between dots (RFC 1123): no scheme, no port, no path.
_HOST_NAME = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*")


class SettingsError(Exception):
    """A missing or malformed setting, worded as one line an operator can act on."""


# What each variable is and where to find it, for the one-line startup errors.
_HOW_TO_SET: dict[str, str] = {
    "SLACK_BOT_TOKEN": "the Bot User OAuth Token (xoxb-…) from OAuth & Permissions",
    "SLACK_SIGNING_SECRET": "the Signing Secret from Basic Information → App Credentials",
    "SLACK_APP_TOKEN": "an app-level token (xapp-…) with connections:write, or unset it",
    "SLACK_API_URL": "an http(s) URL ending in /api/, or unset it for Slack's own",
    "DATABASE_URL": "a SQLAlchemy URL such as sqlite:///coach.db or postgresql://host/db",
    "PORT": "a port number from 1 to 65535",
    "COACH_LOG_LEVEL": "one of DEBUG, INFO, WARNING, ERROR, CRITICAL",
    "COACH_ENCRYPTION_KEY": "one or more keys from `coach keys new`, separated by commas",
    "SLACK_CLIENT_ID": "the Client ID from Basic Information → App Credentials",
    "SLACK_CLIENT_SECRET": "the Client Secret from Basic Information → App Credentials",
    "SLACK_STATE_SECRET": "a long random string of your own (for example `coach keys new`)",
    "HOST": "the address to listen on: 0.0.0.0 (every interface) or 127.0.0.1 (behind a proxy)",
}

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class Settings(BaseSettings):
    """Every knob Coach has, read from the environment variable of the same name in upper
    case (or .env). README → Configuration and .env.example (``coach env-example``, from
    bot/env_example.py, which says what each one means) list them all."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        # NAME= (as .env.example shows an unset default) means unset, not an empty value.
        env_ignore_empty=True,
    )

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str | None = None
    # "Add to Slack": set all three to install Coach into any number of workspaces by OAuth
    # (instead of SLACK_BOT_TOKEN); installations live in the database, tokens encrypted.
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    slack_state_secret: str | None = None
    database_url: str = "sqlite:///coach.db"
    openai_api_key: str | None = None
    openai_base_url: str | None = None
    coach_openai_model: str = DEFAULT_OPENAI_MODEL
    # The address `coach serve` listens on: every interface by default (a container, a
    # platform), 127.0.0.1 when a reverse proxy on the same machine is the way in.
    host: str = "0.0.0.0"
    port: int = Field(default=3000, ge=1, le=65535)

    # Operational knobs beyond the public contract, all with sensible defaults.
    coach_web_workers: int = Field(default=2, ge=1, le=64)
    coach_web_threads: int = Field(default=8, ge=1, le=256)
    coach_listener_threads: int = Field(default=16, ge=1, le=256)
    coach_after_ack_queue: int = Field(default=256, ge=1, le=100_000)
    coach_graceful_timeout: int = Field(default=20, ge=2, le=3600)
    coach_timezone: str = "UTC"
    coach_sweep_hour: int = Field(default=9, ge=0, le=23)
    coach_digest_weekday: str = "mon"
    coach_checkin_weekday: str = "wed"
    coach_checkin_hour: int = Field(default=10, ge=0, le=23)
    # Check-in words older than this are cleared (0 keeps them for good).
    coach_checkin_retention_days: int = Field(default=365, ge=0, le=36500)
    # A sweep runs this many workspaces side by side (each has its own Slack limits), and
    # within a workspace keeps at most this many posts in flight (see bot/flows/fan_out.py).
    coach_sweep_workspaces: int = Field(default=16, ge=1, le=256)
    coach_sweep_sends: int = Field(default=10, ge=1, le=64)
    coach_log_level: str = "INFO"
    coach_log_json: bool = False
    # Keys for secrets stored at rest (calendar feeds, installation tokens); the first
    # encrypts, all decrypt (storage/encryption.py explains rotation).
    coach_encryption_key: str | None = None
    # Days an uninstalled workspace's data is kept (a reinstall finds it again), then erased.
    coach_uninstall_grace_days: int = Field(default=30, ge=0, le=3650)
    # Rotating tokens are refreshed when they expire within this many minutes.
    coach_token_refresh_minutes: int = Field(default=120, ge=1, le=720)
    # TEST-ONLY. Lets calendar feeds be read from 127.0.0.0/8 and ::1 (over http too), so
    # the tests and `coach try` can serve a feed locally. Never set it in production: it
    # opens the server's own loopback services to an address a user typed.
    coach_calendar_allow_loopback_for_tests: bool = False

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("xoxb-"):
            raise ValueError("must start with xoxb-")
        return value or None

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, value: str | None) -> str | None:
        if value and not value.startswith("xapp-"):
            raise ValueError("must start with xapp-")
        return value or None

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_shape(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value if value.endswith("/") else value + "/"

    @field_validator("host")
    @classmethod
    def _host_shape(cls, value: str) -> str:
        """An IP address or a host name, checked here: a URL or ``host:port`` would
        otherwise reach gunicorn and fail there with a traceback."""
        address = value.strip().removeprefix("[").removesuffix("]")
        if not address:  # HOST= in a .env file: unset, as for the other settings
            return "0.0.0.0"
        try:
            return str(ipaddress.ip_address(address))
        except ValueError:
            pass
        if not _HOST_NAME.fullmatch(address):
            raise ValueError("is not an IP address or a host name")
        return address

    @field_validator("database_url")
    @classmethod
    def _database_url_shape(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError as error:
            raise ValueError("is not a SQLAlchemy URL") from error
        if url.get_backend_name() not in {"sqlite", "postgresql", "postgres"}:
            raise ValueError("must be a sqlite:// or postgresql:// URL")
        return value

    @field_validator("coach_encryption_key")
    @classmethod
    def _encryption_keys(cls, value: str | None) -> str | None:
        if not value or not value.strip():
            return None
        try:
            parse_keys(value)
        except ValueError as error:
            raise ValueError("is not a comma-separated list of Fernet keys") from error
        return value

    @field_validator("coach_log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"{value!r} is not a log level")
        return level

    @field_validator("coach_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError("is not an IANA time zone such as Europe/London") from error
        return value

    @field_validator("coach_digest_weekday", "coach_checkin_weekday")
    @classmethod
    def _weekday(cls, value: str) -> str:
        day = value.strip().lower()[:3]
        if day not in {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}:
            raise ValueError("must be a weekday such as mon")
        return day

    @field_validator("slack_client_id", "slack_client_secret", "slack_state_secret")
    @classmethod
    def _blank_is_unset(cls, value: str | None) -> str | None:
        return (value or "").strip() or None

    @property
    def oauth_enabled(self) -> bool:
        """Installed by "Add to Slack" into many workspaces, rather than one bot token."""
        return self.slack_client_id is not None

    def check_install_mode(self) -> None:
        """One line when the OAuth settings are half set, or set beside SLACK_BOT_TOKEN or
        without the key their tokens are stored under."""
        names = ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET")
        given = [name for name in names if getattr(self, name.lower())]
        if not given:
            return
        for name in names:
            if name not in given:
                raise SettingsError(
                    f'{name} is not set but {given[0]} is: "Add to Slack" needs all of '
                    f"{', '.join(names)}; set it to {_HOW_TO_SET[name]}."
                )
        if self.slack_bot_token:
            raise SettingsError(
                "SLACK_BOT_TOKEN and SLACK_CLIENT_ID are both set: unset SLACK_BOT_TOKEN to "
                'install by "Add to Slack", or the SLACK_CLIENT_* settings for one workspace.'
            )
        if self.socket_mode:
            raise SettingsError(
                'SLACK_APP_TOKEN is set with SLACK_CLIENT_ID: "Add to Slack" installs need '
                "HTTP (its redirect URL); unset SLACK_APP_TOKEN."
            )
        if not self.coach_encryption_key:
            raise SettingsError(
                'COACH_ENCRYPTION_KEY is not set: "Add to Slack" stores each workspace\'s '
                "tokens encrypted; create a key with `coach keys new`."
            )

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    @property
    def cipher(self) -> Cipher | None:
        """What stores secrets at rest, or None when no key is configured."""
        return Cipher.from_setting(self.coach_encryption_key)

    @property
    def llm_enabled(self) -> bool:
        return bool(self.openai_api_key)

    def require(self, *names: str) -> None:
        """Fail with one line when a setting this command needs is missing (SLACK_BOT_TOKEN
        is not needed when Coach is installed by OAuth)."""
        for name in names:
            if name == "SLACK_BOT_TOKEN" and self.oauth_enabled:
                continue
            if not getattr(self, name.lower()):
                raise SettingsError(f"{name} is not set: set it to {_HOW_TO_SET[name]}.")


def load_settings(env_file: str | None = ".env", **overrides: Any) -> Settings:
    """Build Settings, turning pydantic's multi-line report into one actionable line.

    ``overrides`` are raw values, validated like the environment's (``port="3000"``)."""
    try:
        settings = Settings(_env_file=env_file, **overrides)
    except ValidationError as error:
        raise SettingsError(_first_problem(error.errors())) from None
    settings.check_install_mode()
    return settings


def _first_problem(errors: list[ErrorDetails]) -> str:
    first = errors[0]
    name = str((first["loc"] or ("settings",))[0]).upper()
    reason = (first["msg"] or "is invalid").removeprefix("Value error, ")
    reason = reason[:1].lower() + reason[1:]
    hint = _HOW_TO_SET.get(name)
    suffix = f"; set it to {hint}." if hint else "."
    return f"{name}: {reason}{suffix}"
