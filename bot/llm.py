"""The LLM reframer: question-led coaching prompts from an OpenAI-compatible chat model.

Used when OPENAI_API_KEY is set; OPENAI_BASE_URL points it at any compatible server and
COACH_OPENAI_MODEL names the model. This is the only module in Coach that imports
``openai``; ``bot.reframer`` imports it only when the LLM is enabled.

- The prompts live in ``prompts/reframe/llm_system.toml``. The feedback travels in the
  user message between ``<feedback>`` tags, as data; anything in it that looks like one
  of those tags is defused first, so the text cannot close the block and speak as us.
- The answer comes back through the client's structured output: ``response_format`` is
  ``ReframeAnswer``, sent as a strict JSON schema and parsed by the client into that
  model. Its fields are the ones ``coach reframe --json`` prints: the kind of message
  (one of ``KINDS``, read first), the questions, the competency (or "none"), the focus and
  a private note to the manager. An unknown kind or competency fails parsing: refused.
- The answer goes through the same quality gate as the offline reframer
  (``bot.domain.reframing.scoring``), split in two: a hard rule broken (a statement, a
  closed or judging question, too few or too many for the kind, a kind that needs a note
  without one) refuses it; the soft qualities (looking forward, handing the choice to
  the rep, carrying the situation) are scored, never a reason to refuse a good answer.
  A refusal, an error, a malformed or refused answer, or no answer in time gives
  ``None``, and the rules engine answers instead.
- The model answers in the message's own language; the gate's word lists are English, so
  a message the rules engine reads as another language is checked for form only.
- Eight seconds in all, retries included. Each attempt's timeouts are what is left of the
  budget, and the SDK's own retries (which honour a Retry-After of up to two minutes) are
  off in favour of one retry here, made only when the budget still has room for it. The
  call also runs in a worker thread that the caller waits on for no longer than the
  budget, because a socket timeout bounds each read, not the whole answer: a server that
  trickles a byte a second never trips it.
- Privacy: neither the feedback nor the model's answer is ever logged; a failure is
  logged as its kind (an exception class, an HTTP status, the quality criteria missed).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import openai
from pydantic import BaseModel, ConfigDict, Field

import prompts
from bot.domain.quality import check_reframe, judging_words
from bot.domain.reframing import (
    COMPETENCIES,
    KINDS,
    Reframe,
    competency_labels,
    extract_situation,
    reads_english,
)
from bot.settings import Settings

logger = logging.getLogger(__name__)

LLM_ENGINE = "llm"

# The whole budget for one reframe, retries included; after it the rules engine answers.
DEADLINE_SECONDS = 8.0
# Connecting is quick or not happening; the rest of an attempt waits for the model.
CONNECT_TIMEOUT_SECONDS = 2.0
# One retry, after a pause, for a failure worth retrying (a reset connection, a 5xx)...
MAX_ATTEMPTS = 2
RETRY_PAUSE_SECONDS = 0.25
# ...when at least this much of the budget is left for it.
MIN_ATTEMPT_SECONDS = 1.5
# Worker threads asking the model at once; a call finding none free within its budget
# falls back. Bounds the threads a misbehaving server can hold (see the module docstring).
MAX_CONCURRENT_CALLS = 8

# Only the start of a very long message is sent, as the rules engine only reads the start.
_MAX_FEEDBACK_CHARS = 8_000
_MAX_QUESTION_CHARS = 300
_MAX_FOCUS_CHARS = 200
_MAX_NOTE_CHARS = 800
# The model says "none" when no competency applies (the schema stays a flat enum).
NO_COMPETENCY = "none"

_PROMPTS = "reframe/llm_system"
# "<feedback", "</ situation", and their HTML-escaped forms as Slack delivers a typed "<".
_TAG_LOOKALIKE = re.compile(r"(?:<|&lt;?)(?=\s*/?\s*(?:feedback|situation)\b)", re.IGNORECASE)

# Failures worth one more attempt: the server may well answer the next time.
_RETRYABLE = (openai.APIConnectionError, openai.InternalServerError)


class ReframeAnswer(BaseModel):
    """What the model answers: the fields of ``coach reframe --json``, bar the engine."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal[KINDS] = Field(  # type: ignore[valid-type]
        description="what kind of message this is, read before anything is asked"
    )
    questions: list[str] = Field(description="the open coaching questions for the rep")
    competency: Literal[(*COMPETENCIES, NO_COMPETENCY)] = Field(  # type: ignore[valid-type]
        description="the one competency id the message is mainly about, or none"
    )
    focus: str = Field(description="one sentence: the one behaviour for the rep to work on")
    note: str = Field(description="a short private note to the manager, or an empty string")


@dataclass
class _Call:
    """One question to the model, shared between the caller and its worker thread."""

    done: threading.Event = field(default_factory=threading.Event)
    answer: ReframeAnswer | None = None
    failure: str = "no answer"


class LlmReframer:
    """Reframes feedback with a chat model, or says it could not (``None``)."""

    def __init__(
        self,
        settings: Settings,
        *,
        deadline_seconds: float = DEADLINE_SECONDS,
        max_concurrent_calls: int = MAX_CONCURRENT_CALLS,
    ) -> None:
        self._budget = deadline_seconds
        self._model = settings.coach_openai_model
        self._slots = threading.BoundedSemaphore(max_concurrent_calls)
        self.client = openai.OpenAI(
            api_key=settings.openai_api_key,
            base_url=settings.openai_base_url,
            # Never the SDK's 600 s and 2 retries; every attempt also passes its own timeout.
            timeout=_timeout(deadline_seconds),
            max_retries=0,
        )
        completions: Any = self.client.chat.completions
        # Structured output left `client.beta` during openai 1.x; earlier releases keep it there.
        self._parse: Callable[..., Any] = (
            completions.parse
            if hasattr(completions, "parse")
            else self.client.beta.chat.completions.parse
        )
        _keep_sdk_debug_logs_off()

    def reframe(self, text: str) -> Reframe | None:
        """A compliant reframe of ``text`` by the model, or ``None`` when there is none in time."""
        if not text.strip():
            return None
        deadline = time.monotonic() + self._budget
        situation = extract_situation(text)
        call = self._ask_within(build_messages(text, situation), deadline)
        if call.answer is None:
            logger.warning("LLM reframe not used (%s); the rules engine answers", call.failure)
            return None
        reframe = _as_reframe(call.answer)
        english = reads_english(text)
        problems = _shortfalls(reframe, situation, text, english=english)
        if problems:
            logger.warning(
                "LLM reframe not used (non-compliant answer: %s); the rules engine answers",
                ", ".join(problems),
            )
            return None
        return reframe

    def _ask_within(self, messages: list[dict[str, str]], deadline: float) -> _Call:
        """Ask in a worker thread, waiting for it no later than ``deadline``."""
        call = _Call()
        if not self._slots.acquire(timeout=max(0.0, deadline - time.monotonic())):
            call.failure = "too many LLM calls in flight"
            return call
        worker = threading.Thread(
            target=self._ask, args=(call, messages, deadline), name="coach-llm", daemon=True
        )
        worker.start()
        if not call.done.wait(timeout=max(0.0, deadline - time.monotonic())):
            # Too late: the worker ends on its own when the server does, and whatever it
            # writes into `call` from now on is not read.
            return _Call(failure=f"no answer within {self._budget:g} s")
        return call

    def _ask(self, call: _Call, messages: list[dict[str, str]], deadline: float) -> None:
        """The worker: up to MAX_ATTEMPTS attempts, each within what is left of the budget."""
        try:
            for attempt in range(1, MAX_ATTEMPTS + 1):
                left = deadline - time.monotonic()
                if left <= 0:
                    call.failure = "deadline passed before the model was asked"
                    return
                try:
                    completion = self._parse(
                        model=self._model,
                        messages=messages,
                        response_format=ReframeAnswer,
                        timeout=_timeout(left),
                    )
                except _RETRYABLE as error:
                    call.failure = _describe(error)
                    left = deadline - time.monotonic() - RETRY_PAUSE_SECONDS
                    if attempt == MAX_ATTEMPTS or left < MIN_ATTEMPT_SECONDS:
                        return
                    time.sleep(RETRY_PAUSE_SECONDS)
                    continue
                # An "OpenAI-compatible" server can answer 200 with something that is not a
                # chat completion; the client then fails parsing it with one of these.
                except (openai.OpenAIError, ValueError, TypeError, AttributeError) as error:
                    call.failure = _describe(error)
                    return
                _read(completion, call)
                return
        finally:
            call.done.set()
            self._slots.release()


def build_messages(text: str, situation: str | None = None) -> list[dict[str, str]]:
    """The system prompt, and the feedback as delimited data in the user message."""
    competencies = "\n".join(
        prompts.text(_PROMPTS, "competency_line", id=competency, label=label)
        for competency, label in competency_labels().items()
    )
    kinds = "\n".join(
        prompts.text(
            _PROMPTS, "kind_line", id=kind, meaning=prompts.text(_PROMPTS, f"kinds.{kind}")
        )
        for kind in KINDS
    )
    hint = (
        prompts.text(_PROMPTS, "situation_hint", situation=defuse(situation)) if situation else ""
    )
    feedback = defuse(text[:_MAX_FEEDBACK_CHARS])
    return [
        {
            "role": "system",
            "content": prompts.text(
                _PROMPTS, "system", competencies=competencies, kinds=kinds, none=NO_COMPETENCY
            ),
        },
        {
            "role": "user",
            "content": prompts.text(_PROMPTS, "user", feedback=feedback, situation_hint=hint),
        },
    ]


def defuse(text: str) -> str:
    """``text`` with anything that looks like our delimiter tags made harmless.

    "</feedback>" becomes "‹/feedback>": still readable as what the manager wrote, no
    longer the end of the data.
    """
    return _TAG_LOOKALIKE.sub("‹", text)


def _timeout(seconds: float) -> openai.Timeout:
    seconds = max(seconds, 0.01)
    return openai.Timeout(seconds, connect=min(CONNECT_TIMEOUT_SECONDS, seconds))


def _read(completion: Any, call: _Call) -> None:
    """The parsed answer of the first choice, or why there is none."""
    if not completion.choices:
        call.failure = "no choices in the answer"
        return
    message = completion.choices[0].message
    if message.refusal:
        call.failure = "the model refused"
    elif message.parsed is None:
        call.failure = "no structured answer"
    else:
        call.answer = message.parsed


def _describe(error: Exception) -> str:
    """What went wrong, without the message: an error's text may quote the request or answer."""
    status = getattr(error, "status_code", None)
    return f"{type(error).__name__} (HTTP {status})" if status else type(error).__name__


def _as_reframe(answer: ReframeAnswer) -> Reframe:
    note = " ".join(answer.note.split())
    return Reframe(
        questions=tuple(" ".join(q.split()) for q in answer.questions),
        competency=None if answer.competency == NO_COMPETENCY else answer.competency,
        focus=" ".join(answer.focus.split()),
        engine=LLM_ENGINE,
        kind=answer.kind,
        note=note or None,
    )


def _shortfalls(
    reframe: Reframe, situation: str | None, text: str, *, english: bool = True
) -> list[str]:
    """The names of the hard rules the reframe breaks (never its words); empty when none.

    Only hard rules count: an answer that does not look forward or hand over the choice
    in the words of our lists is still a good answer, and is used.
    """
    report = check_reframe(
        reframe.questions,
        reframe.competency,
        kind=reframe.kind,
        note=reframe.note,
        situation=situation,
        message=text,
        english=english,
    )
    problems = list(report.hard_problems())
    if any(len(question) > _MAX_QUESTION_CHARS for question in reframe.questions):
        problems.append("question_length")
    focus = reframe.focus
    if not focus or len(focus) > _MAX_FOCUS_CHARS or (english and judging_words(focus)):
        problems.append("focus")
    if reframe.note is not None and len(reframe.note) > _MAX_NOTE_CHARS:
        problems.append("note_length")
    return problems


def _keep_sdk_debug_logs_off() -> None:
    """Older openai releases log whole request bodies (the feedback) at DEBUG."""
    sdk = logging.getLogger("openai")
    if sdk.level < logging.INFO:  # unset (inheriting whatever the root has) or DEBUG
        sdk.setLevel(logging.INFO)
