"""Score the offline reframer over the labelled evaluation set and print the tables.

    python scripts/evaluate_reframer.py [--split all|tune|holdout] [--failures] [--cases PATH]

Prints, per kind and per competency, the share of cases whose kind and competency are
right, whose questions carry the manager's behaviour words (relevant) and the situation
named, and the share of questions that are open and non-judging. ``--split tune`` is the
first 80% of the cases (by position), the part the engine was tuned on; ``--split
holdout`` is the last 20%, kept out of tuning: the gap between them is the honest figure.
Exits 1 when an overall criterion is under its threshold in prompts/reframe/quality.toml.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a plain script from anywhere
    sys.path.insert(0, str(ROOT))

from bot.domain.reframing import COMPETENCIES, KINDS, reframe_with_rules  # noqa: E402
from bot.domain.reframing.evaluation import (  # noqa: E402
    CaseResult,
    EvalCase,
    Evaluation,
    evaluate,
    load_cases,
    thresholds,
)

DEFAULT_CASES = ROOT / "tests" / "data" / "feedback_eval.toml"
TUNED_SHARE = 0.8
COLUMNS = (
    ("kind", "kind"),
    ("competency", "compet."),
    ("none", "none"),
    ("relevant", "relevant"),
    ("situation_carried", "situation"),
    ("open_and_non_judging", "open+kind"),
    ("passes", "passes"),
)


def split(cases: list[EvalCase], part: str) -> list[EvalCase]:
    """The tuned part (first 80% by position), the held-out part, or all cases."""
    cut = int(len(cases) * TUNED_SHARE)
    return {"tune": cases[:cut], "holdout": cases[cut:]}.get(part, cases)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    parser.add_argument("--split", choices=("all", "tune", "holdout"), default="all")
    parser.add_argument("--failures", action="store_true", help="list the cases that missed")
    args = parser.parse_args(argv)

    cases = split(load_cases(args.cases), args.split)
    evaluation = evaluate(cases, reframe_with_rules)
    question_count = sum(len(r.questions) for r in evaluation.results)
    print(f"Rules reframer over {len(cases)} cases ({args.split}), {question_count} questions\n")
    _table(evaluation, "kind", [(k, evaluation.select(kind=k)) for k in KINDS])
    print()
    rows = [(c, evaluation.select(competency=c)) for c in COMPETENCIES]
    rows.append(("none", tuple(r for r in evaluation.results if r.case.competency is None)))
    _table(evaluation, "competency", rows)
    if args.failures:
        _print_failures(evaluation)

    scores = evaluation.scores()
    under = {name: (scores[name], bar) for name, bar in thresholds().items() if scores[name] < bar}
    if under:
        names = ", ".join(f"{k} {v:.1%} < {t:.0%}" for k, (v, t) in under.items())
        print(f"\nUNDER THRESHOLD: {names}")
        return 1
    print("\nAll thresholds met.")
    return 0


def _table(
    evaluation: Evaluation, title: str, rows: list[tuple[str, tuple[CaseResult, ...]]]
) -> None:
    print(f"{title:<21}{'cases':>6}" + "".join(f"{label:>11}" for _, label in COLUMNS))
    print("-" * (27 + 11 * len(COLUMNS)))
    for name, results in rows:
        if not results:
            continue
        row = evaluation.scores(results=results)
        cells = "".join(_cell(name, key, row[key], results) for key, _ in COLUMNS)
        print(f"{name:<21}{len(results):>6}{cells}")
    overall = evaluation.scores()
    cells = "".join(_cell("all", key, overall[key], evaluation.results) for key, _ in COLUMNS)
    print(f"{'all':<21}{len(evaluation.results):>6}{cells}")


def _cell(name: str, key: str, value: float, results: tuple[CaseResult, ...]) -> str:
    counted = {
        "competency": [r for r in results if r.case.competency],
        "none": [r for r in results if r.case.competency is None],
        "relevant": [r for r in results if r.case.behaviour and r.questions],
        "situation_carried": [r for r in results if r.case.situation and r.questions],
    }.get(key, results)
    return f"{value:>11.0%}" if counted else f"{'–':>11}"


def _print_failures(evaluation: Evaluation) -> None:
    print("\nCases that missed something:")
    for result in evaluation.results:
        report = result.report
        case = result.case
        problems = []
        if not result.kind_ok:
            problems.append(f"kind {result.kind} (expected {case.kind})")
        if not result.competency_ok:
            problems.append(f"competency {result.competency} (expected {case.competency})")
        if case.behaviour and result.questions and not report.relevant:
            problems.append(f"no question carries any of {list(case.behaviour)}")
        if case.situation and result.questions and not report.situation_carried:
            problems.append(f"situation {case.situation!r} not carried")
        problems.extend(p for p in report.problems() if not p.startswith("soft:"))
        if not problems:
            continue
        print(f"\n- {case.text[:200]!r}")
        for problem in problems:
            print(f"  * {problem}")
        for question in result.questions:
            print(f"    > {question}")


if __name__ == "__main__":
    sys.exit(main())
