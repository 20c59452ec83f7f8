"""Logging for every process: plain lines or JSON, each with the request it belongs to, and
never a token or secret (they are masked however they reach a log line, tracebacks too).

One handler on the root logger formats every line the process writes: Coach's, Bolt's,
Alembic's, and gunicorn's and uvicorn's own (``bot/server.py`` and ``bot/worker.py`` send
theirs up to it), so ``COACH_LOG_JSON=true`` gives a stream of JSON objects and nothing
else. JSON is python-json-logger's formatter. A line written outside any request (start,
a sweep, an early failure) has request id ``-``. Alembic's step-by-step INFO lines are
shown only with ``coach -v`` (or at DEBUG).

A log line is evidence, so nobody may write one by sending us text: control characters in
every field are escaped (a newline in a forged body cannot start a fake ``ERROR`` line),
and what Bolt logs about a request keeps its first words, never the body it quotes."""

from __future__ import annotations

import contextvars
import logging
import re
import sys
import threading
import uuid
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

# The request being handled, for log lines written anywhere while handling it.
request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def new_request_id() -> str:
    """An id for a request Slack did not name (Bolt's middleware swaps in Slack's own)."""
    return uuid.uuid4().hex[:16]


# Slack tokens (bot, user, app-level, refresh) and OpenAI-style keys, wherever they appear.
_TOKEN = re.compile(r"\b(?:xox[abposre]|xapp)-[A-Za-z0-9-]+|\bsk-[A-Za-z0-9_-]{8,}")
REDACTED = "[redacted]"
WITHHELD = "[details withheld]"
# A log message longer than this is cut: nothing Coach logs on purpose comes near it.
MAX_MESSAGE_CHARS = 2_000

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators: each could end a
# line in some viewer. Shown as \n, \x1b, \u2028… instead.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    return _NAMED.get(char) or (
        f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"
    )


# Bolt's own loggers: ``slack_bolt.*``, and the app's, named after it (``coach``, ``coach:X``).
_BOLT_LOGGERS = re.compile(r"^(slack_bolt(\.|$)|coach(\.bolt)?(:|$))")
# Where a Bolt message starts quoting the request: "(signature: …, body: {…})", "body: …".
_QUOTE_STARTS = re.compile(r"[({\[\n\"']|\bbody\b|\bpayload\b", re.IGNORECASE)


def escape_controls(text: str) -> str:
    """One physical line, whatever the text held."""
    return _CONTROL.sub(_escaped, text)


class WithholdRequestBodies(logging.Filter):
    """Bolt logs whole request bodies: an invalid signature at INFO, an unhandled request
    at WARNING, every ack at DEBUG. What people typed must not reach a log, so a Bolt
    message keeps only the words before it starts quoting; any message is also capped."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _BOLT_LOGGERS.match(record.name):
            cut = _QUOTE_STARTS.search(message)
            if cut is not None:
                message = f"{message[: cut.start()].rstrip(' :,')} {WITHHELD}"
        if len(message) > MAX_MESSAGE_CHARS:
            message = f"{message[:MAX_MESSAGE_CHARS]}… {WITHHELD}"
        record.msg, record.args = message, None
        return True


class Redactor:
    """Masks token-shaped strings and the configured secrets."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self.secrets = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return _TOKEN.sub(REDACTED, text)


class RequestId(logging.Filter):
    """Stamps each record with the request being handled (``-`` outside any request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = escape_controls(request_id.get())
        return True


class PlainFormatter(logging.Formatter):
    """``2026-12-03 09:00:00,123 INFO coach.x [request id] message``, tracebacks indented."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        message = escape_controls(record.getMessage())
        name = escape_controls(record.name)
        rid = getattr(record, "request_id", "-")
        line = f"{self.formatTime(record)} {record.levelname} {name} [{rid}] {message}"
        if record.exc_info:
            line += "\n" + _indented(self.formatException(record.exc_info))
        return self.redact(line)


# uvicorn puts an ANSI-coloured copy of each message on its records; one copy is enough.
_NOT_FIELDS = (*RESERVED_ATTRS, "color_message")


class JsonLineFormatter(JsonFormatter):
    """One JSON object a line: ``time`` (UTC, ISO 8601), ``level``, ``logger``,
    ``request_id``, ``message``, ``traceback`` when there is one, then any ``extra`` fields.
    Every string in it is escaped and masked before it is serialised."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__(
            ["levelname", "name", "request_id", "message"],
            rename_fields={"levelname": "level", "name": "logger", "exc_info": "traceback"},
            timestamp="time",
            reserved_attrs=_NOT_FIELDS,
            json_ensure_ascii=False,
        )
        self.redact = redact

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        when = log_data.pop("time")
        log_data["level"] = str(log_data["level"]).lower()
        return {"time": when, **{key: self._clean(value) for key, value in log_data.items()}}

    def _clean(self, value: object) -> object:
        if isinstance(value, str):
            return self.redact(escape_controls(value))
        if isinstance(value, dict):
            return {key: self._clean(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self._clean(item) for item in value]
        return value


def _indented(traceback: str) -> str:
    """A traceback's lines, each escaped and indented: a line that starts at the margin is
    always a record's first line, even when an exception message held a newline."""
    return "\n".join("    " + escape_controls(line) for line in traceback.splitlines())


def configure_logging(
    level: str = "INFO",
    *,
    as_json: bool = False,
    secrets: Iterable[str | None] = (),
    verbose: bool = False,
) -> None:
    """Every log line of the process to stderr, through one handler on the root logger.

    ``verbose`` (``coach -v``) also shows Alembic's INFO lines, one per migration step
    and two of preamble per connection; otherwise they show at DEBUG only."""
    redact = Redactor(secrets)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLineFormatter(redact) if as_json else PlainFormatter(redact))
    handler.addFilter(WithholdRequestBodies())
    handler.addFilter(RequestId())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    quiet = not verbose and root.level > logging.DEBUG
    logging.getLogger("alembic").setLevel(logging.WARNING if quiet else logging.NOTSET)
    # Slack's SDK logs whole request bodies at DEBUG; they may hold what people typed.
    logging.getLogger("slack_sdk").setLevel(max(root.level, logging.INFO))
    logging.getLogger("slack_bolt").setLevel(max(root.level, logging.INFO))
    logging.getLogger("openai").setLevel(max(root.level, logging.INFO))
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


class ContextCarryingExecutor(ThreadPoolExecutor):
    """A thread pool whose tasks see the submitter's context variables (the request id):
    Bolt runs listeners on a pool, and their log lines must name the request."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._unfinished = 0
        self._changed = threading.Condition()

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        context = contextvars.copy_context()
        with self._changed:
            self._unfinished += 1
        try:
            future = super().submit(context.run, fn, *args, **kwargs)
        except RuntimeError:  # shut down: nothing was queued
            self._finished()
            raise
        future.add_done_callback(self._finished)
        return future

    def wait_until_idle(self, timeout: float) -> bool:
        """Wait until every task submitted so far has finished, without stopping the pool;
        False if some still run after ``timeout`` seconds. What follows an ack is invisible
        to the requester, so this is the signal that it is all over (a test then knows that
        no further Slack call is on its way)."""
        with self._changed:
            return self._changed.wait_for(lambda: self._unfinished == 0, timeout)

    def _finished(self, _future: Future[Any] | None = None) -> None:
        with self._changed:
            self._unfinished -= 1
            self._changed.notify_all()
