"""Score the offline reframer over the labelled evaluation set and print the table.

    python scripts/evaluate_reframer.py [--failures] [--cases PATH]

Prints the share of questions or cases meeting each quality criterion, overall and per
competency, against the thresholds in prompts/reframe/quality.toml. Exits 1 when any
criterion is under its threshold. --failures also lists every case that missed something.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a plain script from anywhere
    sys.path.insert(0, str(ROOT))

from bot.domain import quality  # noqa: E402
from bot.domain.reframing import COMPETENCIES, extract_situation, reframe_with_rules  # noqa: E402

DEFAULT_CASES = ROOT / "tests" / "data" / "feedback_eval.toml"
COLUMNS = (
    ("open_and_non_judging", "open+kind"),
    ("competency", "competency"),
    ("forward", "forward"),
    ("ownership", "ownership"),
    ("situation_carried", "situation"),
    ("passes", "passes"),
)


def load_cases(path: Path) -> list[quality.EvalCase]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [quality.EvalCase(c["text"], c["competency"], c.get("situation")) for c in data["case"]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    parser.add_argument("--failures", action="store_true", help="list the cases that missed")
    args = parser.parse_args(argv)

    cases = load_cases(args.cases)
    evaluation = quality.evaluate(cases, reframe_with_rules)
    scores = evaluation.scores()
    thresholds = quality.thresholds()
    question_count = sum(len(r.questions) for r in evaluation.results)
    situated = sum(1 for c in cases if c.situation)

    print(f"Rules reframer over {len(cases)} cases, {question_count} questions")
    print(f"({situated} cases name a situation)\n")
    print(f"{'criterion':<22}{'score':>8}{'threshold':>11}  ")
    print("-" * 44)
    for name in quality.CRITERIA:
        threshold = thresholds.get(name)
        mark = "" if threshold is None else ("ok" if scores[name] >= threshold else "UNDER")
        shown = "" if threshold is None else f"{threshold:.0%}"
        print(f"{name:<22}{scores[name]:>8.1%}{shown:>11}  {mark}")

    unlabelled = [c for c in cases if not c.situation]
    invented = [c for c in unlabelled if extract_situation(c.text)]
    print(f"\nsituation found where none is labelled: {len(invented)} of {len(unlabelled)} cases")

    print(f"\n{'competency':<21}{'cases':>6}" + "".join(f"{label:>12}" for _, label in COLUMNS))
    print("-" * (27 + 12 * len(COLUMNS)))
    for competency in COMPETENCIES:
        count = sum(1 for c in cases if c.competency == competency)
        if not count:
            continue
        row = evaluation.scores(competency)
        cells = "".join(f"{row[name]:>12.0%}" for name, _ in COLUMNS)
        print(f"{competency:<21}{count:>6}{cells}")
    overall = "".join(f"{scores[name]:>12.0%}" for name, _ in COLUMNS)
    print(f"{'all':<21}{len(cases):>6}{overall}")

    if args.failures:
        _print_failures(evaluation)

    shortfalls = evaluation.shortfalls()
    if shortfalls:
        names = ", ".join(f"{k} {v:.1%} < {t:.0%}" for k, (v, t) in shortfalls.items())
        print(f"\nUNDER THRESHOLD: {names}")
        return 1
    print("\nAll thresholds met.")
    return 0


def _print_failures(evaluation: quality.Evaluation) -> None:
    print("\nCases that missed something:")
    for result in evaluation.results:
        report = result.report
        if report.passes and report.competency_ok and report.situation_carried:
            continue
        case = result.case
        print(f"\n- {case.text[:150]!r}")
        print(f"  expected {case.competency} / {case.situation!r}; got {result.competency}")
        print(f"  found situation: {extract_situation(case.text)!r}")
        for problem in report.problems():
            print(f"  * {problem}")


if __name__ == "__main__":
    sys.exit(main())
