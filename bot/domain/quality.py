"""The quality gate and the evaluation, under the name the rest of Coach has always used.

The code lives in ``bot.domain.reframing.scoring`` (the gate) and
``bot.domain.reframing.evaluation`` (scoring an engine over labelled messages); this module
only re-exports them, so it depends on the reframing package and never the other way round.
"""

from __future__ import annotations

from bot.domain.reframing.evaluation import (
    CRITERIA,
    CaseResult,
    EvalCase,
    Evaluation,
    evaluate,
    load_cases,
    thresholds,
)
from bot.domain.reframing.scoring import (
    MAX_QUESTIONS,
    MIN_QUESTIONS,
    QualityReport,
    QuestionCheck,
    carries_keywords,
    carries_situation,
    check_question,
    check_reframe,
    judging_words,
    needs_note,
    question_range,
)

__all__ = [
    "CRITERIA",
    "MAX_QUESTIONS",
    "MIN_QUESTIONS",
    "CaseResult",
    "EvalCase",
    "Evaluation",
    "QualityReport",
    "QuestionCheck",
    "carries_keywords",
    "carries_situation",
    "check_question",
    "check_reframe",
    "evaluate",
    "judging_words",
    "load_cases",
    "needs_note",
    "question_range",
    "thresholds",
]
