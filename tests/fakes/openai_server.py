"""An OpenAI-compatible chat completions server on 127.0.0.1, scripted by the test.

Why: the LLM reframer talks to its model through the real ``openai`` client, so pointing
OPENAI_BASE_URL here exercises the same HTTP, JSON schema request, structured-output
parsing, timeouts and retries as production does, without a network or a key.

``POST /v1/chat/completions`` records the request and answers as the current behaviour
says (see ``BEHAVIOURS``). Set ``server.behaviour`` for every request from now on, or
``server.script("error", "good")`` for the next few requests in order. Waiting behaviours
(``hang``, ``trickle``) end as soon as the server stops, so a test never waits on them
after it is over.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, cast

logger = logging.getLogger(__name__)

# A compliant answer about "You talked too much on the Acme call": open, non-judging,
# forward-looking, handing the choice to the rep, carrying the situation.
GOOD_ANSWER: dict[str, Any] = {
    "kind": "coaching",
    "questions": [
        "What did you notice about how much of the Acme call the buyer spent talking?",
        "Which moments on the Acme call gave the buyer the most room to talk?",
        "What would you like to try on your next call to let the buyer talk more?",
        "How can I help you practise that before your next call?",
    ],
    "competency": "listening",
    "focus": "Let the buyer talk more than you do on every call.",
    "note": "",
}

# A good answer that names no "would you like" or "matters to you": the old gate threw
# it away for ownership; the split gate scores that and uses the answer.
NO_OWNERSHIP_WORDS_ANSWER: dict[str, Any] = {
    "kind": "coaching",
    "questions": [
        "What would a great first discovery call look like for you next week?",
        "How will you know the customer's pain before you show the product?",
        "What support from me would help you practise that?",
    ],
    "competency": "discovery",
    "focus": "Find the customer's pain before you show the product.",
    "note": "",
}

# A different kind, with the private note it calls for.
EXPECTATION_ANSWER: dict[str, Any] = {
    "kind": "expectation",
    "questions": ["What gets in the way of getting to standup on time?"],
    "competency": "time_management",
    "focus": "Be on time for standup.",
    "note": "This is an expectation to state plainly and kindly: “I need you at standup on "
    "time; what gets in the way?”",
}

# The same kind without its note: refused.
MISSING_NOTE_ANSWER: dict[str, Any] = {**EXPECTATION_ANSWER, "note": ""}

# An answer in the message's own language (German).
GERMAN_ANSWER: dict[str, Any] = {
    "kind": "coaching",
    "questions": [
        "Was ist dir im Gespräch mit dem Kunden aufgefallen, als er über sein Budget sprach?",
        "Wie möchtest du beim nächsten Termin mehr Raum für seine Fragen lassen?",
    ],
    "competency": "listening",
    "focus": "Lass den Kunden mehr sprechen als dich selbst.",
    "note": "",
}

# The right shape, but statements rather than questions.
STATEMENTS_ANSWER: dict[str, Any] = {
    "kind": "coaching",
    "note": "",
    "questions": [
        "You talked too much on the Acme call.",
        "Let the buyer do more of the talking on your next call.",
        "Pick one listening habit to practise this week.",
    ],
    "competency": "listening",
    "focus": "Let the buyer talk more than you do on every call.",
}

# The right shape, but yes/no and judging questions.
JUDGING_ANSWER: dict[str, Any] = {
    "kind": "coaching",
    "note": "",
    "questions": [
        "Did you prepare for the Acme call?",
        "Why did you talk so much when you should have been listening?",
        "What will you do next time so the call is not so bad?",
    ],
    "competency": "listening",
    "focus": "You need to stop talking over the buyer.",
}

# Compliant questions, but a competency that is not one of Coach's ids.
UNKNOWN_COMPETENCY_ANSWER: dict[str, Any] = {**GOOD_ANSWER, "competency": "charisma"}

# Compliant questions, but a kind that is not one of Coach's.
UNKNOWN_KIND_ANSWER: dict[str, Any] = {**GOOD_ANSWER, "kind": "pep_talk"}

# Valid JSON that does not match the schema: questions as one string, no focus.
WRONG_SHAPE_ANSWER: dict[str, Any] = {
    "questions": "What did you notice on the Acme call?",
    "competency": "listening",
}

GARBAGE_CONTENT = (
    "Sure! Here are some coaching questions for your rep:\n"
    "1. What did you notice on the Acme call?\n2. What would you like to try next?"
)
REFUSAL_TEXT = "I'm sorry, I can't help with that request."

# How long `hang` waits before answering: longer than any deadline the client may have.
HANG_SECONDS = 60.0
# The pause between the bytes of a `trickle` answer.
TRICKLE_PAUSE_SECONDS = 0.2

BEHAVIOURS = (
    "good",  # a compliant JSON answer (GOOD_ANSWER)
    "statements",  # JSON of the right shape whose "questions" are statements
    "judging",  # JSON of the right shape with yes/no and "you should…" questions
    "unknown_competency",  # compliant questions, competency "charisma"
    "unknown_kind",  # compliant questions, kind "pep_talk"
    "no_ownership_words",  # a good answer without the ownership list's words
    "expectation",  # an expectation, one question, and its private note
    "missing_note",  # an expectation without the note it calls for
    "german",  # a good answer in German
    "wrong_shape",  # valid JSON that does not match the schema
    "garbage",  # content that is not JSON at all
    "refusal",  # no content, a refusal message
    "not_a_completion",  # HTTP 200 with JSON that is not a chat.completion object
    "error",  # HTTP 500 with an OpenAI-style error body
    "hang",  # nothing until HANG_SECONDS have passed (or the server stops)
    "trickle",  # a good answer, one byte every TRICKLE_PAUSE_SECONDS
    "custom",  # the answer given to answer_with()
)


@dataclass(frozen=True)
class RecordedRequest:
    """One request as it arrived: headers with lower-case names, the body as JSON."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", [])) if isinstance(self.body, dict) else []

    def message(self, role: str) -> str:
        """The content of the (first) message with ``role``, "" when there is none."""
        for message in self.messages:
            if message.get("role") == role:
                content = message.get("content")
                return content if isinstance(content, str) else json.dumps(content)
        return ""


def chat_completion(
    *, model: str, content: str | None, refusal: str | None = None
) -> dict[str, Any]:
    """A chat.completion object as OpenAI's API returns it."""
    completion_tokens = len((content or refusal or "").split())
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "system_fingerprint": "fp_coach_fake",
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": content,
                    "refusal": refusal,
                    "annotations": [],
                },
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": 412,
            "completion_tokens": completion_tokens,
            "total_tokens": 412 + completion_tokens,
        },
    }


def error_body(message: str, kind: str = "server_error", code: str | None = None) -> dict:
    """An error object as OpenAI's API returns it."""
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # not 5: a burst of connections is not held back a second

    def __init__(self, address: tuple[str, int], fake: FakeOpenAI) -> None:
        super().__init__(address, _Handler)
        self.fake = fake


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        fake = cast(_Server, self.server).fake
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body: Any = json.loads(raw.decode("utf-8")) if raw else None
        except (UnicodeDecodeError, json.JSONDecodeError):
            body = None
        fake._record(
            RecordedRequest(
                method="POST",
                path=self.path,
                headers={name.lower(): value for name, value in self.headers.items()},
                body=body,
            )
        )
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._json(404, error_body(f"Unknown path {self.path}", "invalid_request_error"))
            return
        model = body.get("model", "unknown") if isinstance(body, dict) else "unknown"
        # The client may give up first, as a client with a deadline should.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._answer(fake, fake._next_behaviour(), str(model))

    def _answer(self, fake: FakeOpenAI, behaviour: str, model: str) -> None:
        if behaviour == "error":
            self._json(500, error_body("The server had an error while processing your request."))
        elif behaviour == "hang":
            if fake._stopping.wait(HANG_SECONDS):
                self.close_connection = True
                return
            self._json(200, chat_completion(model=model, content=json.dumps(GOOD_ANSWER)))
        elif behaviour == "trickle":
            self._trickle(fake, chat_completion(model=model, content=json.dumps(GOOD_ANSWER)))
        elif behaviour == "refusal":
            self._json(200, chat_completion(model=model, content=None, refusal=REFUSAL_TEXT))
        elif behaviour == "not_a_completion":
            self._json(200, {"status": "ok", "result": GOOD_ANSWER})
        elif behaviour == "garbage":
            self._json(200, chat_completion(model=model, content=GARBAGE_CONTENT))
        elif behaviour == "custom":
            content = json.dumps(fake.custom_answer)
            self._json(200, chat_completion(model=model, content=content))
        else:
            answer = {
                "good": GOOD_ANSWER,
                "statements": STATEMENTS_ANSWER,
                "judging": JUDGING_ANSWER,
                "unknown_competency": UNKNOWN_COMPETENCY_ANSWER,
                "unknown_kind": UNKNOWN_KIND_ANSWER,
                "no_ownership_words": NO_OWNERSHIP_WORDS_ANSWER,
                "expectation": EXPECTATION_ANSWER,
                "missing_note": MISSING_NOTE_ANSWER,
                "german": GERMAN_ANSWER,
                "wrong_shape": WRONG_SHAPE_ANSWER,
            }[behaviour]
            self._json(200, chat_completion(model=model, content=json.dumps(answer)))

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-request-id", f"req_{uuid.uuid4().hex[:16]}")
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def _trickle(self, fake: FakeOpenAI, payload: dict[str, Any]) -> None:
        """Headers at once, then the body a byte at a time: each read sees progress."""
        data = json.dumps(payload).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.flush()
        for index in range(len(data)):
            if fake._stopping.wait(TRICKLE_PAUSE_SECONDS):
                self.close_connection = True
                return
            self.wfile.write(data[index : index + 1])
            self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("fake openai: " + format, *args)


class FakeOpenAI:
    """A fake OpenAI API on 127.0.0.1 (a free port), for ``OPENAI_BASE_URL=server.base_url``.

    Use as a context manager or with ``start()`` / ``stop()``.
    """

    def __init__(self, behaviour: str = "good", *, host: str = "127.0.0.1", port: int = 0):
        self.behaviour = behaviour
        self._address = (host, port)
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._script: deque[str] = deque()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.custom_answer: dict[str, Any] = GOOD_ANSWER

    @property
    def behaviour(self) -> str:
        return self._behaviour

    @behaviour.setter
    def behaviour(self, behaviour: str) -> None:
        if behaviour not in BEHAVIOURS:
            raise ValueError(f"unknown behaviour {behaviour!r}; one of {', '.join(BEHAVIOURS)}")
        self._behaviour = behaviour

    def answer_with(self, answer: dict[str, Any]) -> None:
        """Answer every request from now on with this JSON (an attacker's, say)."""
        self.custom_answer = answer
        self.behaviour = "custom"

    def script(self, *behaviours: str) -> None:
        """Answer the next requests with these behaviours, in order, then as ``behaviour``."""
        unknown = [b for b in behaviours if b not in BEHAVIOURS]
        if unknown:
            raise ValueError(f"unknown behaviours {unknown}; one of {', '.join(BEHAVIOURS)}")
        with self._lock:
            self._script.extend(behaviours)

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT/v1 (the server must be running)."""
        if self._server is None:
            raise RuntimeError("the fake OpenAI server is not running; call start() first")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> FakeOpenAI:
        self._stopping.clear()
        self._server = _Server(self._address, self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},  # shutdown() waits up to one poll
            name="fake-openai",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; requests still hanging or trickling end at once."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _next_behaviour(self) -> str:
        with self._lock:
            return self._script.popleft() if self._script else self._behaviour
