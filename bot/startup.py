"""What ``coach`` checks before it serves, so that a wrong token or an unreachable Slack is
one line naming what to fix instead of a traceback or a server that answers 500.

Exit statuses (documented in the README): 2 for configuration (a setting to fix), 3 for a
dependency that cannot be reached (start it, or check the network)."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from bot.settings import Settings, SettingsError

if TYPE_CHECKING:
    from slack_sdk import WebClient

logger = logging.getLogger(__name__)

EXIT_CONFIG = 2
EXIT_UNREACHABLE = 3

# auth.test's answers that mean the token itself is wrong: no retry will help.
REFUSED_TOKEN = frozenset(
    {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}
)
CHECK_TIMEOUT_SECONDS = 5
RETRY_SECONDS = 15.0


_QUIET_SDK_LOGGER = logging.getLogger("coach.startup.slack_sdk")
_QUIET_SDK_LOGGER.propagate = False
_QUIET_SDK_LOGGER.addHandler(logging.NullHandler())


class Unreachable(Exception):
    """A dependency did not answer, worded as one line naming its host."""


# Slack's own Web API; bot.slack_client has the same (imported lazily: slack_sdk is heavy).
SLACK_API_URL = "https://slack.com/api/"


def slack_host(settings: Settings) -> str:
    return urlsplit(settings.slack_api_url or SLACK_API_URL).netloc


def _client(settings: Settings, token: str | None) -> WebClient:
    """A plain client with no retry handlers: a start must not wait out back-offs."""
    from slack_sdk import WebClient

    return WebClient(
        token=token,
        base_url=settings.slack_api_url or SLACK_API_URL,
        timeout=CHECK_TIMEOUT_SECONDS,
        retry_handlers=[],
        # slack_sdk logs a failed request as an ERROR; the caller words it once, better.
        logger=_QUIET_SDK_LOGGER,
    )


def check_bot_token(settings: Settings) -> str | None:
    """None when Slack accepts SLACK_BOT_TOKEN, the reason when Slack cannot be reached;
    raises SettingsError when Slack refuses the token."""
    from slack_sdk.errors import SlackApiError, SlackRequestError

    try:
        _client(settings, settings.slack_bot_token).auth_test()
    except SlackApiError as error:
        code = str(error.response.get("error", "unknown_error"))
        if code in REFUSED_TOKEN:
            raise SettingsError(
                f"SLACK_BOT_TOKEN was refused by Slack ({code}); set it to the Bot User "
                "OAuth Token (xoxb-…) from OAuth & Permissions, after installing the app."
            ) from None
        return f"auth.test answered {code}"
    except (OSError, SlackRequestError) as error:
        return _reason(error)
    return None


def check_app_token(settings: Settings) -> None:
    """Socket Mode cannot work without its connection: a refused SLACK_APP_TOKEN is a
    SettingsError, an unreachable Slack is Unreachable."""
    from slack_sdk.errors import SlackApiError, SlackRequestError

    try:
        _client(settings, settings.slack_app_token).apps_connections_open(
            app_token=settings.slack_app_token or ""
        )
    except SlackApiError as error:
        code = str(error.response.get("error", "unknown_error"))
        raise SettingsError(
            f"SLACK_APP_TOKEN was refused by Slack ({code}); set it to an app-level token "
            "(xapp-…) with connections:write from Basic Information, or unset it for HTTP mode."
        ) from None
    except (OSError, SlackRequestError) as error:
        raise Unreachable(
            f"cannot reach Slack at {slack_host(settings)} to open the Socket Mode "
            f"connection ({_reason(error)}); check the network (or SLACK_API_URL)."
        ) from error


def _reason(error: BaseException) -> str:
    reason = getattr(error, "reason", None) or error
    text = str(reason).strip().splitlines()
    return text[0] if text else type(error).__name__


class SlackAuth:
    """Whether Slack accepts the bot token, for /healthz: ``ok``, ``unreachable`` (checked
    again every RETRY_SECONDS in the background until it answers) or ``refused``."""

    def __init__(self, settings: Settings, *, state: str = "ok") -> None:
        self.settings = settings
        self.state = state
        self._stopped = threading.Event()

    def retry_in_background(self) -> None:
        if self.state in {"ok", "not checked"}:  # not checked: OAuth, a token per workspace
            return
        threading.Thread(target=self._retry, name="coach-slack-auth", daemon=True).start()

    def stop(self) -> None:
        self._stopped.set()

    def _retry(self) -> None:
        while not self._stopped.wait(RETRY_SECONDS):
            try:
                problem = check_bot_token(self.settings)
            except SettingsError as refused:
                self.state = "refused"
                logger.error("%s", refused)
                return
            if problem is None:
                self.state = "ok"
                logger.info("Slack answers again: SLACK_BOT_TOKEN accepted")
                return
            logger.warning("Slack at %s still unreachable (%s)", slack_host(self.settings), problem)


def warn_unreachable(settings: Settings, problem: str) -> None:
    logger.warning(
        "cannot reach Slack at %s (%s): serving anyway, checking SLACK_BOT_TOKEN again every "
        "%.0f s; /healthz says degraded until then",
        slack_host(settings),
        problem,
        RETRY_SECONDS,
    )
