"""Logging for every process: plain lines or JSON, each with the request it belongs to, and
never a token or secret (they are masked however they reach a log line, tracebacks too)."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import threading
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

# The request being handled, for log lines written anywhere while handling it.
request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

# Slack tokens (bot, user, app-level, refresh) and OpenAI-style keys, wherever they appear.
_TOKEN = re.compile(r"\b(?:xox[abposre]|xapp)-[A-Za-z0-9-]+|\bsk-[A-Za-z0-9_-]{8,}")
REDACTED = "[redacted]"


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
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        self.redact = redact
        self.as_json = as_json

    def format(self, record: logging.LogRecord) -> str:
        record.request_id = request_id.get()
        if not self.as_json:
            return self.redact(super().format(record))
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "request_id": record.request_id,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return self.redact(json.dumps(entry, ensure_ascii=False))


def configure_logging(
    level: str = "INFO", *, as_json: bool = False, secrets: Iterable[str | None] = ()
) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter(Redactor(secrets), as_json=as_json))
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
