"""Scoring an engine over labelled messages (``tests/data/feedback_eval.toml``).

Each case is labelled with its kind, its competency (or none), the situation a question
should carry back, and key words at least one relevant question carries (as
case-insensitive word prefixes: "pric" for "price", "pricing"). The scores are shares:
of cases for kind, competency, relevance, situation and passing; of questions for open
and non-judging. Used by the tests (floors per kind) and ``scripts/evaluate_reframer.py``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Protocol

import prompts
from bot.domain.reframing.scoring import QualityReport, check_reframe

CRITERIA = (
    "kind",
    "competency",
    "none",
    "relevant",
    "situation_carried",
    "open_and_non_judging",
    "passes",
    "forward",
    "ownership",
    "count_ok",
)


class _Reframed(Protocol):
    questions: tuple[str, ...]
    competency: str | None
    kind: str
    note: str | None


@dataclass(frozen=True)
class EvalCase:
    """One labelled message from the evaluation set."""

    text: str
    competency: str | None  # None: no competency applies
    situation: str | None = None
    kind: str | None = None  # None: not labelled
    behaviour: tuple[str, ...] = ()


@dataclass(frozen=True)
class CaseResult:
    case: EvalCase
    questions: tuple[str, ...]
    competency: str | None
    kind: str
    note: str | None
    report: QualityReport

    @property
    def kind_ok(self) -> bool:
        return self.case.kind is None or self.kind == self.case.kind

    @property
    def competency_ok(self) -> bool:
        return self.competency == self.case.competency


@dataclass(frozen=True)
class Evaluation:
    """An engine's answers to the evaluation set, scored."""

    results: tuple[CaseResult, ...]

    def select(
        self, *, kind: str | None = None, competency: str | None = None
    ) -> tuple[CaseResult, ...]:
        return tuple(
            r
            for r in self.results
            if (kind is None or r.case.kind == kind)
            and (competency is None or r.case.competency == competency)
        )

    def scores(
        self,
        competency: str | None = None,
        *,
        kind: str | None = None,
        results: Sequence[CaseResult] | None = None,
    ) -> dict[str, float]:
        """The share meeting each criterion (1.0 when there is nothing to count).

        competency counts cases labelled with one; none counts those labelled none (the
        engine must say None too); relevant counts cases with key words and questions;
        situation_carried those with a situation and questions.
        """
        chosen = (
            list(results)
            if results is not None
            else list(self.select(kind=kind, competency=competency))
        )
        asked = [r for r in chosen if r.questions]
        questions = [q for r in chosen for q in r.report.questions]
        return {
            "kind": _share(r.kind_ok for r in chosen),
            "competency": _share(r.competency_ok for r in chosen if r.case.competency),
            "none": _share(r.competency is None for r in chosen if r.case.competency is None),
            "relevant": _share(r.report.relevant for r in asked if r.case.behaviour),
            "situation_carried": _share(
                r.report.situation_carried for r in asked if r.case.situation
            ),
            "open_and_non_judging": _share(q.open and q.non_judging for q in questions),
            "passes": _share(r.report.passes for r in chosen),
            "forward": _share(r.report.has_forward for r in asked if len(r.questions) > 1),
            "ownership": _share(r.report.has_ownership for r in asked if len(r.questions) > 1),
            "count_ok": _share(r.report.count_ok for r in chosen),
        }

    def shortfalls(self) -> dict[str, tuple[float, float]]:
        """Criteria under their threshold: name → (score, threshold)."""
        scores = self.scores()
        return {
            name: (scores[name], threshold)
            for name, threshold in thresholds().items()
            if scores[name] < threshold
        }


def evaluate(cases: Iterable[EvalCase], reframe: Callable[[str], _Reframed]) -> Evaluation:
    """Run ``reframe`` over every case and check each answer."""
    results = []
    for case in cases:
        answer = reframe(case.text)
        kind = getattr(answer, "kind", "coaching")
        note = getattr(answer, "note", None)
        report = check_reframe(
            answer.questions,
            answer.competency,
            kind=kind,
            note=note,
            situation=case.situation,
            message=case.text,
            keywords=case.behaviour,
            expected_competency=case.competency,
        )
        results.append(
            CaseResult(case, tuple(answer.questions), answer.competency, kind, note, report)
        )
    return Evaluation(tuple(results))


def load_cases(path: Path) -> list[EvalCase]:
    """The cases of an evaluation file (``competency = "none"`` reads as None)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    cases = []
    for case in data["case"]:
        competency = case.get("competency")
        cases.append(
            EvalCase(
                text=case["text"],
                competency=None if competency in (None, "none") else competency,
                situation=case.get("situation") or None,
                kind=case.get("kind"),
                behaviour=tuple(case.get("behaviour", ())),
            )
        )
    return cases


def thresholds() -> Mapping[str, float]:
    """The bar for the whole set (prompts/reframe/quality.toml [thresholds])."""
    return MappingProxyType(
        {k: float(v) for k, v in prompts.load("reframe/quality")["thresholds"].items()}
    )


def _share(flags: Iterable[bool]) -> float:
    values = list(flags)
    return sum(values) / len(values) if values else 1.0
