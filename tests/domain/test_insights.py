"""Leader insights from plain facts: every figure checked against a table worked by hand.

Today is Wednesday 2 December 2026, so the windows end on Sunday 29 November: the 4 weeks
are Mon 2 Nov – Sun 29 Nov, the 12 weeks Mon 7 Sep – Sun 29 Nov.

| rep | cadence | 1:1s held                            | fell due (12 wk) | kept | longest gap |
|-----|---------|--------------------------------------|------------------|------|-------------|
| A   | weekly  | every Monday 14 Sep – 23 Nov (11)    | 11               | 11   | 7           |
| B   | weekly  | 14, 21 Sep; 19, 26 Oct; 2 Nov        | 11               | 5    | 28          |
| C   | 14 days | 12 Oct, 16 Nov (paused 19 Oct–2 Nov) | 2                | 2    | 14          |

B missed 28 Sep, 5 Oct, 12 Oct (the 1:1 of 19 Oct was on time for the fourth week) and
9, 16, 23 Nov. C's 1:1 of 12 Oct was on time for 19 Oct; the pause restarted the count on
2 Nov, so 16 Nov was on time and nothing fell due while C was away.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.domain.cadence import PauseSpan, Status
from bot.domain.insights import (
    GoalStatus,
    ManagerRecord,
    PairingRecord,
    ReframeFact,
    Trend,
    field_day_due,
    leader_insights,
    leader_tree,
    manager_insight,
    walk_cadence,
    window,
)

TODAY = date(2026, 12, 2)
START = date(2026, 9, 7)


def mondays(first: date, last: date) -> tuple[date, ...]:
    days = []
    day = first
    while day <= last:
        days.append(day)
        day += timedelta(days=7)
    return tuple(days)


A = PairingRecord(
    pairing_id=1,
    rep_id="UA",
    cadence_days=7,
    started_on=START,
    held_on=mondays(date(2026, 9, 14), date(2026, 11, 23)),
    field_days=(date(2026, 10, 1), date(2026, 11, 10)),
    has_focus=True,
    goals_achieved_on=(date(2026, 10, 20),),
    check_ins_sent_on=(
        date(2026, 10, 29),
        date(2026, 11, 5),
        date(2026, 11, 12),
        date(2026, 11, 19),
        date(2026, 11, 26),
    ),
    check_ins_answered_on=(date(2026, 11, 5), date(2026, 11, 13), date(2026, 11, 27)),
)
B = PairingRecord(
    pairing_id=2,
    rep_id="UB",
    cadence_days=7,
    started_on=START,
    held_on=(
        date(2026, 9, 14),
        date(2026, 9, 21),
        date(2026, 10, 19),
        date(2026, 10, 26),
        date(2026, 11, 2),
    ),
    has_focus=True,
)
C = PairingRecord(
    pairing_id=3,
    rep_id="UC",
    cadence_days=14,
    started_on=date(2026, 10, 5),
    held_on=(date(2026, 10, 12), date(2026, 11, 16)),
    pauses=(PauseSpan(date(2026, 10, 19), date(2026, 11, 2)),),
)
SLIPPING = ManagerRecord(
    "UM1",
    (A, B, C),
    reframes=(
        ReframeFact(date(2026, 10, 1), asked=True),
        ReframeFact(date(2026, 10, 15), asked=False),
        ReframeFact(date(2026, 11, 3), asked=True),
        ReframeFact(date(2026, 11, 20), asked=True),
        ReframeFact(date(2026, 12, 1), asked=True),  # this week: in no window yet
    ),
)
STEADY = ManagerRecord(
    "UM2",
    tuple(
        PairingRecord(
            pairing_id=10 + n,
            rep_id=f"UD{n}",
            cadence_days=7,
            started_on=START,
            held_on=mondays(date(2026, 9, 14), date(2026, 11, 23)),
            has_focus=True,
        )
        for n in range(2)
    ),
    reframes=tuple(ReframeFact(date(2026, 10, 5 + 7 * n), asked=True) for n in range(4)),
)


def test_windows_are_whole_weeks_ending_last_sunday() -> None:
    assert window(TODAY, 4).start == date(2026, 11, 2)
    assert window(TODAY, 4).end == date(2026, 11, 29)
    assert window(TODAY, 12).start == date(2026, 9, 7)


@pytest.mark.parametrize(
    ("record", "due", "kept", "missed_on"),
    [
        (A, 11, 11, []),
        (
            B,
            11,
            5,
            [
                date(2026, 9, 28),
                date(2026, 10, 5),
                date(2026, 10, 12),
                date(2026, 11, 9),
                date(2026, 11, 16),
                date(2026, 11, 23),
            ],
        ),
        (C, 2, 2, []),
    ],
)
def test_each_1_1_that_fell_due_is_kept_or_missed(
    record: PairingRecord, due: int, kept: int, missed_on: list[date]
) -> None:
    dues, _ = walk_cadence(record, date(2026, 11, 29))
    assert len(dues) == due
    assert sum(d.kept for d in dues) == kept
    assert [d.on for d in dues if not d.kept] == missed_on


def test_a_pause_restarts_the_count_and_nothing_falls_due_while_away() -> None:
    dues, gaps = walk_cadence(C, date(2026, 11, 29))
    assert [d.on for d in dues] == [date(2026, 10, 19), date(2026, 11, 16)]
    assert [g.days for g in gaps] == [7, 7, 14, 13]


def test_a_manager_slipping_matches_the_hand_computed_table() -> None:
    insight = manager_insight(SLIPPING, TODAY)
    long, short = insight.long, insight.short
    assert (long.due, long.kept) == (24, 18)
    assert long.cadence_kept == pytest.approx(0.75)
    assert (short.due, short.kept) == (9, 6)
    assert long.longest_gap_days == 28 and short.longest_gap_days == 27
    assert insight.streak == 0
    assert (long.one_on_ones, short.one_on_ones) == (18, 6)
    assert long.one_on_ones_per_rep == pytest.approx(6.0)
    assert short.one_on_ones_per_rep == pytest.approx(2.0)
    assert (long.field_days, short.field_days) == (2, 1)
    assert insight.reps_with_focus == 2
    assert (long.goals_achieved, short.goals_achieved) == (1, 0)
    assert (long.check_ins_sent, long.check_ins_answered) == (5, 3)
    assert (short.check_ins_sent, short.check_ins_answered) == (4, 3)
    assert (long.reframed, long.asked, short.reframed, short.asked) == (4, 3, 2, 2)
    assert long.asking_rate == pytest.approx(0.75)
    assert insight.trend[1:] == pytest.approx((1, 1, 0.5, 0.5, 0.5, 1, 1, 1, 0.5, 2 / 3, 0.5))
    assert insight.trend[0] is None
    assert insight.direction is Trend.DOWN  # 6 of 9 against 12 of 15
    assert insight.needs_time and not insight.bright_spot


def test_a_manager_who_keeps_every_1_1_is_a_bright_spot() -> None:
    insight = manager_insight(STEADY, TODAY)
    assert (insight.long.due, insight.long.kept) == (22, 22)
    assert insight.streak == 12
    assert insight.direction is Trend.STEADY
    assert insight.strengths == ("cadence", "focus", "asking")
    assert not insight.needs_time


def test_reps_show_cadence_and_whether_there_is_a_focus_never_more() -> None:
    pending = PairingRecord(4, "UP", 7, date(2026, 11, 30), accepted=False, has_focus=True)
    manager = ManagerRecord("UM1", (A, B, C, pending))
    lines = {line.rep_id: line for line in manager_insight(manager, TODAY).rep_lines}
    assert lines["UA"].goal is GoalStatus.FOCUS and lines["UC"].goal is GoalStatus.NONE
    assert lines["UP"].goal is GoalStatus.PENDING
    assert lines["UB"].status is Status.OVERDUE
    assert (lines["UA"].field_days, lines["UA"].last_field_day) == (2, date(2026, 11, 10))
    assert not lines["UA"].field_day_due and lines["UB"].field_day_due


def test_a_field_day_is_due_after_six_weeks_without_one() -> None:
    assert field_day_due([], TODAY)
    assert not field_day_due([TODAY - timedelta(weeks=6) + timedelta(days=1)], TODAY)
    assert field_day_due([TODAY - timedelta(weeks=6)], TODAY)


def test_the_tree_reaches_every_depth_and_nothing_outside() -> None:
    edges = [
        ("UL", "UM1"),
        ("UL", "UM2"),
        ("UM1", "UA"),
        ("UM2", "UD"),
        ("UD", "UF"),  # a manager two levels down
        ("UL", "UR"),  # a rep of the leader's who manages nobody
        ("UX", "UY"),  # another leader's tree
        ("UY", "UZ"),
    ]
    assert leader_tree(edges, "UL") == ["UM1", "UM2", "UD"]
    assert leader_tree(edges, "UM2") == ["UD"]
    assert leader_tree(edges, "UM1") == []
    assert leader_tree([("UP", "UQ"), ("UQ", "UP"), ("UQ", "UR")], "UP") == ["UQ"]


def test_insights_keep_the_tree_order_and_name_bright_spots_and_time_back() -> None:
    insights = leader_insights("UL", [SLIPPING, STEADY], TODAY)
    assert [m.manager_id for m in insights.managers] == ["UM1", "UM2"]
    assert [m.manager_id for m in insights.bright_spots] == ["UM2"]
    assert [m.manager_id for m in insights.needing_time] == ["UM1"]
