"""Whether a set of coaching questions is good enough to send to a rep.

One checker, used three ways: on the offline reframer's output (in tests), on every LLM
answer before it is accepted, and by the evaluation over ``tests/data/feedback_eval.toml``.

A good reframe has 2–4 questions, every one open (it starts like "What", "How",
"Which"… and cannot be answered yes or no) and free of judgement ("you should",
"failed", "but"…); at least one looks forward (next call, will, try, plan) and at least
one hands the choice to the rep ("What would you like to…", "…matters most to you").
When the feedback named a situation ("the Acme call"), a question carries it back.

The word lists live in ``prompts/reframe/quality.toml``. Matching ignores case and works
on whole words, so "but" is caught and "button" and "budget" are not.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Protocol

import prompts
from bot.domain.reframing import COMPETENCIES

MIN_QUESTIONS = 2
MAX_QUESTIONS = 4


@dataclass(frozen=True)
class QuestionCheck:
    """How one question measures up."""

    text: str
    open: bool  # ends with "?", starts like What/How/Which…, not a yes/no question
    non_judging: bool
    forward: bool
    ownership: bool
    judging_words: tuple[str, ...]  # what made it judging, as written


@dataclass(frozen=True)
class QualityReport:
    """How a whole reframe measures up; ``passes`` is the bar for sending it."""

    questions: tuple[QuestionCheck, ...]
    competency: str
    count_ok: bool
    all_open_and_non_judging: bool
    has_forward: bool
    has_ownership: bool
    situation_carried: bool  # True when there was no situation to carry
    competency_known: bool
    competency_ok: bool  # known, and the expected one when an expectation was given

    @property
    def passes(self) -> bool:
        """Everything required to accept an answer (the situation is measured, not required)."""
        return (
            self.count_ok
            and self.all_open_and_non_judging
            and self.has_forward
            and self.has_ownership
            and self.competency_known
        )

    def problems(self) -> tuple[str, ...]:
        """Plain-English reasons the reframe falls short, for logs and LLM retries."""
        found: list[str] = []
        if not self.count_ok:
            found.append(
                f"needs {MIN_QUESTIONS}–{MAX_QUESTIONS} questions, has {len(self.questions)}"
            )
        for check in self.questions:
            if not check.open:
                found.append(f"not an open question: {check.text!r}")
            if not check.non_judging:
                words = ", ".join(check.judging_words)
                found.append(f"judging ({words}): {check.text!r}")
        if not self.has_forward:
            found.append("no question looks forward (next time, will, try, plan)")
        if not self.has_ownership:
            found.append("no question hands the choice to the rep (what would you like to…)")
        if not self.competency_known:
            found.append(f"unknown competency {self.competency!r}")
        elif not self.competency_ok:
            found.append(f"competency {self.competency!r} is not the expected one")
        if not self.situation_carried:
            found.append("no question mentions the situation the feedback named")
        return tuple(found)


def check_reframe(
    questions: Iterable[str],
    competency: str,
    *,
    situation: str | None = None,
    expected_competency: str | None = None,
) -> QualityReport:
    """Measure a reframe against the rules of a good coaching question."""
    texts = tuple(questions)
    checks = tuple(check_question(text) for text in texts)
    known = competency in COMPETENCIES
    return QualityReport(
        questions=checks,
        competency=competency,
        count_ok=MIN_QUESTIONS <= len(checks) <= MAX_QUESTIONS,
        all_open_and_non_judging=all(c.open and c.non_judging for c in checks),
        has_forward=any(c.forward for c in checks),
        has_ownership=any(c.ownership for c in checks),
        situation_carried=situation is None or carries_situation(texts, situation),
        competency_known=known,
        competency_ok=known and (expected_competency is None or competency == expected_competency),
    )


def check_question(text: str) -> QuestionCheck:
    """Measure one question."""
    lists = _lists()
    normal = _normalise(text)
    judging = tuple(m.group() for m in lists.judging.finditer(normal))
    return QuestionCheck(
        text=text,
        open=_is_open(normal, lists),
        non_judging=not judging,
        forward=lists.forward.search(normal) is not None,
        ownership=lists.ownership.search(normal) is not None,
        judging_words=judging,
    )


def judging_words(text: str) -> tuple[str, ...]:
    """The judging words and phrases in ``text``, as written ("you should", "but")."""
    return tuple(m.group() for m in _lists().judging.finditer(_normalise(text)))


_DETERMINERS = frozenset({"the", "your", "our", "their", "a", "an", "this", "that", "my"})
_SIGNIFICANT = re.compile(r"[^\W_]+")


def carries_situation(questions: Iterable[str], situation: str) -> bool:
    """True when one question contains every significant word of ``situation``.

    "the QBR with Globex" is carried by "…in your QBR with Globex?"; "the", "your" and
    case don't matter, and "follow-up" matches "follow up".
    """
    wanted = _words(situation) - _DETERMINERS
    if not wanted:
        return True
    return any(wanted <= _words(question) for question in questions)


def _words(text: str) -> set[str]:
    return set(_SIGNIFICANT.findall(_normalise(text).lower().replace("'", "")))


# --- evaluating an engine over labelled feedback ---------------------------------------

CRITERIA = (
    "open_and_non_judging",
    "competency",
    "forward",
    "ownership",
    "situation_carried",
    "count_ok",
    "passes",
)


class _Reframed(Protocol):
    questions: tuple[str, ...]
    competency: str


@dataclass(frozen=True)
class EvalCase:
    """One labelled piece of feedback from the evaluation set."""

    text: str
    competency: str
    situation: str | None = None


@dataclass(frozen=True)
class CaseResult:
    case: EvalCase
    questions: tuple[str, ...]
    competency: str
    report: QualityReport


@dataclass(frozen=True)
class Evaluation:
    """An engine's answers to the evaluation set, scored against the quality rules."""

    results: tuple[CaseResult, ...]

    def scores(self, competency: str | None = None) -> dict[str, float]:
        """The share meeting each criterion, over all cases or one labelled competency.

        open_and_non_judging counts questions; situation_carried counts the cases that
        name a situation; the rest count cases. A criterion with nothing to count is 1.0.
        """
        results = [r for r in self.results if competency in (None, r.case.competency)]
        questions = [q for r in results for q in r.report.questions]
        situated = [r for r in results if r.case.situation]
        return {
            "open_and_non_judging": _share(q.open and q.non_judging for q in questions),
            "competency": _share(r.report.competency_ok for r in results),
            "forward": _share(r.report.has_forward for r in results),
            "ownership": _share(r.report.has_ownership for r in results),
            "situation_carried": _share(r.report.situation_carried for r in situated),
            "count_ok": _share(r.report.count_ok for r in results),
            "passes": _share(r.report.passes for r in results),
        }

    def shortfalls(self) -> dict[str, tuple[float, float]]:
        """Criteria under their threshold: name → (score, threshold)."""
        scores = self.scores()
        return {
            name: (scores[name], threshold)
            for name, threshold in thresholds().items()
            if scores[name] < threshold
        }


def evaluate(cases: Sequence[EvalCase], reframe: Callable[[str], _Reframed]) -> Evaluation:
    """Run ``reframe`` over every case and check each answer."""
    results = []
    for case in cases:
        answer = reframe(case.text)
        report = check_reframe(
            answer.questions,
            answer.competency,
            situation=case.situation,
            expected_competency=case.competency,
        )
        results.append(CaseResult(case, tuple(answer.questions), answer.competency, report))
    return Evaluation(tuple(results))


def thresholds() -> Mapping[str, float]:
    """The bar each criterion must reach over the evaluation set (prompts/reframe/quality.toml)."""
    return MappingProxyType(
        {k: float(v) for k, v in prompts.load("reframe/quality")["thresholds"].items()}
    )


def _share(flags: Iterable[bool]) -> float:
    values = list(flags)
    return sum(values) / len(values) if values else 1.0


# --- the word lists, compiled once ------------------------------------------------------


@dataclass(frozen=True)
class _Lists:
    open_starters: frozenset[str]
    closed_starters: frozenset[str]
    max_lead_in_words: int
    judging: re.Pattern[str]
    forward: re.Pattern[str]
    ownership: re.Pattern[str]


def _pattern(phrases: list[str]) -> re.Pattern[str]:
    """Whole-word, case-insensitive alternation; "word*" takes any ending."""
    alternatives = []
    for phrase in sorted(phrases, key=len, reverse=True):
        parts = phrase.lower().replace("’", "'").split()
        if not parts:
            continue
        pieces = [re.escape(p[:-1]) + r"[\w']*" if p.endswith("*") else re.escape(p) for p in parts]
        alternatives.append(r"\s+".join(pieces))
    body = "|".join(alternatives) or r"(?!)"
    return re.compile(rf"(?<![\w'])(?:{body})(?![\w'])", re.IGNORECASE)


@cache
def _lists() -> _Lists:
    data = prompts.load("reframe/quality")
    return _Lists(
        open_starters=frozenset(w.lower() for w in data["open_starters"]),
        closed_starters=frozenset(w.lower() for w in data["closed_starters"]),
        max_lead_in_words=int(data["max_lead_in_words"]),
        judging=_pattern(data["judging"]),
        forward=_pattern(data["forward"]),
        ownership=_pattern(data["ownership"]),
    )


def _normalise(text: str) -> str:
    return text.replace("’", "'").replace("‘", "'")


_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_QUESTION = re.compile(r"[^?]*\?")
_CLAUSE_BREAK = re.compile(r"[,;:—–]|\s-\s")
_CONJUNCTIONS = frozenset({"and", "or", "so", "then"})
_TRAILING = " \t\r\n\"'”’)*_"


def _is_open(text: str, lists: _Lists) -> bool:
    """Ends with "?" and every question in it is open rather than yes/no."""
    text = text.strip().rstrip(_TRAILING).strip()
    if not text.endswith("?"):
        return False
    questions = _QUESTION.findall(text)
    return bool(questions) and all(_is_open_question(q, lists) for q in questions)


def _is_open_question(question: str, lists: _Lists) -> bool:
    words = _WORD.findall(question.lower())
    if not words:
        return False
    first = words[0]
    if first in lists.closed_starters:
        return False
    if first not in lists.open_starters:
        # A short lead-in, then the open question: "Looking back at the demo, what…?"
        lead_in, comma, rest = question.partition(",")
        rest_words = _WORD.findall(rest.lower())
        if not comma or len(_WORD.findall(lead_in.lower())) > lists.max_lead_in_words:
            return False
        if not rest_words or rest_words[0] not in lists.open_starters:
            return False
    # "What do you think, did it work?" ends as a yes/no question.
    last_clause = _WORD.findall(_CLAUSE_BREAK.split(question)[-1].lower())
    while last_clause and last_clause[0] in _CONJUNCTIONS:
        last_clause = last_clause[1:]
    return not (last_clause and last_clause[0] in lists.closed_starters)
