"""The LLM reframer: question-led coaching prompts from an OpenAI-compatible chat model.

Used when OPENAI_API_KEY is set; OPENAI_BASE_URL points it at any compatible server and
COACH_OPENAI_MODEL names the model. This is the only module in Coach that imports
``openai``; ``bot.reframer`` imports it only when the LLM is enabled.

- The prompts live in ``prompts/reframe/llm_system.toml``. The feedback travels in the
  user message between ``<feedback>`` tags, as data; anything in it that looks like one
  of those tags is defused first, so the text cannot close the block and speak as us.
- The answer comes back through the client's structured output: ``response_format`` is
  ``ReframeAnswer``, sent as a strict JSON schema and parsed by the client into that
  model. Its fields are the ones ``coach reframe --json`` prints.
- The answer is checked with the same rules as the offline reframer
  (``bot.domain.quality``). A refusal, an error, a malformed or non-compliant answer, or
  no answer in time gives ``None``, and the rules engine answers instead.
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
from bot.domain.reframing import COMPETENCIES, Reframe, competency_labels, extract_situation
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

_PROMPTS = "reframe/llm_system"
# "<feedback", "</ situation", and their HTML-escaped forms as Slack delivers a typed "<".
_TAG_LOOKALIKE = re.compile(r"(?:<|&lt;?)(?=\s*/?\s*(?:feedback|situation)\b)", re.IGNORECASE)

# Failures worth one more attempt: the server may well answer the next time.
_RETRYABLE = (openai.APIConnectionError, openai.InternalServerError)


class ReframeAnswer(BaseModel):
    """What the model answers: the fields of ``coach reframe --json``, bar the engine."""

    model_config = ConfigDict(extra="forbid")

    questions: list[str] = Field(description="2 to 4 open coaching questions for the rep")
    competency: Literal[COMPETENCIES] = Field(  # type: ignore[valid-type]
        description="the one competency id the feedback is mainly about"
    )
    focus: str = Field(description="one sentence: the one behaviour for the rep to work on")


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
        problems = _shortfalls(reframe, situation)
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
    hint = (
        prompts.text(_PROMPTS, "situation_hint", situation=defuse(situation)) if situation else ""
    )
    feedback = defuse(text[:_MAX_FEEDBACK_CHARS])
    return [
        {"role": "system", "content": prompts.text(_PROMPTS, "system", competencies=competencies)},
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
    return Reframe(
        questions=tuple(" ".join(q.split()) for q in answer.questions),
        competency=answer.competency,
        focus=" ".join(answer.focus.split()),
        engine=LLM_ENGINE,
    )


def _shortfalls(reframe: Reframe, situation: str | None) -> list[str]:
    """The names of the rules the reframe breaks (never its words); empty when it passes."""
    report = check_reframe(reframe.questions, reframe.competency, situation=situation)
    problems = [
        name
        for name, met in (
            ("question_count", report.count_ok),
            ("open_and_non_judging", report.all_open_and_non_judging),
            ("forward", report.has_forward),
            ("ownership", report.has_ownership),
            ("competency", report.competency_known),
        )
        if not met
    ]
    if not report.passes and not problems:
        problems.append("quality")  # a rule of QualityReport.passes not named above
    if any(len(question) > _MAX_QUESTION_CHARS for question in reframe.questions):
        problems.append("question_length")
    focus = reframe.focus
    if not focus or len(focus) > _MAX_FOCUS_CHARS or judging_words(focus):
        problems.append("focus")
    return problems


def _keep_sdk_debug_logs_off() -> None:
    """Older openai releases log whole request bodies (the feedback) at DEBUG."""
    sdk = logging.getLogger("openai")
    if sdk.level < logging.INFO:  # unset (inheriting whatever the root has) or DEBUG
        sdk.setLevel(logging.INFO)
