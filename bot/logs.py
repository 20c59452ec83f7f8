"""Logging for every process: plain lines or JSON, each with the request it belongs to, and
never a token or secret (they are masked however they reach a log line, tracebacks too).

A log line is evidence, so nobody may write one by sending us text: control characters in
every field are escaped (a newline in a forged body cannot start a fake ``ERROR`` line),
and what Bolt logs about a request keeps its first words, never the body it quotes."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import threading
import uuid
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

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


class _Formatter(logging.Formatter):
    def __init__(self, redact: Redactor, *, as_json: bool) -> None:
        super().__init__()
        self.redact = redact
        self.as_json = as_json

    def format(self, record: logging.LogRecord) -> str:
        rid = escape_controls(request_id.get())
        message = escape_controls(record.getMessage())
        name = escape_controls(record.name)
        if not self.as_json:
            when = self.formatTime(record)
            line = f"{when} {record.levelname} {name} [{rid}] {message}"
            if record.exc_info:
                line += "\n" + _indented(self.formatException(record.exc_info))
            return self.redact(line)
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": name,
            "request_id": rid,
            "message": message,
        }
        if record.exc_info:
            entry["traceback"] = escape_controls(self.formatException(record.exc_info))
        return self.redact(json.dumps(entry, ensure_ascii=False))


def _indented(traceback: str) -> str:
    """A traceback's lines, each escaped and indented: a line that starts at the margin is
    always a record's first line, even when an exception message held a newline."""
    return "\n".join("    " + escape_controls(line) for line in traceback.splitlines())


def configure_logging(
    level: str = "INFO", *, as_json: bool = False, secrets: Iterable[str | None] = ()
) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter(Redactor(secrets), as_json=as_json))
    handler.addFilter(WithholdRequestBodies())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
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
