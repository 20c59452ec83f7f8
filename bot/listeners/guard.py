"""Keep an acked request acked when its listener fails afterwards.

Bolt's thread runner polls ``ack.response`` every 10 ms; when a listener that already
acked then raises, Bolt resets ``ack.response`` to ``None`` and, if its poll had not yet
seen the ack, answers Slack 404 "unhandled request" — the person sees Slack's own error
instead of ours. A database outage makes exactly that happen. So every listener that acks
by itself runs inside :func:`guarded`: a failure is logged and answered with "try again"
here, and Bolt only ever sees a listener that returned.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, Respond
from slack_bolt.util.utils import get_arg_names_of_callable

import prompts
from bot.after_ack import Busy

logger = logging.getLogger(__name__)

# What the guard itself needs from Bolt, whatever the listener asks for.
_GUARD_ARGS = ("ack", "body", "respond")


def guarded(listener: Callable[..., None]) -> Callable[..., None]:
    """``listener`` with its failures reported to the person instead of raised to Bolt."""
    wanted = get_arg_names_of_callable(listener)
    asked = [*wanted, *(name for name in _GUARD_ARGS if name not in wanted)]

    def run(**kwargs: Any) -> None:
        try:
            listener(**{name: kwargs[name] for name in wanted})
        except Exception as error:
            ack: Ack = kwargs["ack"]
            if ack.response is None:
                ack()
            report_unhandled(error, kwargs["body"], kwargs["respond"])

    # Bolt passes each listener the arguments its signature names.
    run.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD) for name in asked]
    )
    name = getattr(listener, "__name__", None) or getattr(
        getattr(listener, "func", None), "__name__", None
    )
    run.__name__ = name if isinstance(name, str) else "listener"
    return run


def report_unhandled(error: Exception, body: dict[str, Any], respond: Respond | None) -> None:
    """The one place unexpected errors end up: logged with their traceback (never the text
    people typed), and the person who asked is told to try again rather than left waiting.
    Work refused because Coach is busy or stopping (``Busy``) is logged as dropped, and
    the person is told Coach is busy."""
    kind = body.get("type") or body.get("command") or "request"
    if isinstance(error, Busy):
        logger.warning("dropped %s: Coach is busy (%s)", kind, error)
    else:
        logger.error("unhandled error while handling %s", kind, exc_info=error)
    if respond is not None and respond.response_url:
        try:
            respond(
                response_type="ephemeral",
                replace_original=False,
                text=prompts.text("errors", "busy" if isinstance(error, Busy) else "try_again"),
            )
        except OSError:
            logger.warning("could not tell the user about the error")
