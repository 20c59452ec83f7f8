"""The digest celebrates in public and tells each manager privately who is behind."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.cadence import CadenceState, Status
from bot.domain.digest import DigestEntry, celebrate, summarise_manager


def state_with(status: Status, overdue: int = 0) -> CadenceState:
    return CadenceState(date(2026, 1, 1), date(2026, 1, 8), overdue, status, 0, "2026-01-01/0")


def entry(manager: str, status: Status, *, tested: bool = True, overdue: int = 0) -> DigestEntry:
    return DigestEntry(manager, f"R_{manager}_{status}", state_with(status, overdue), tested)


def test_the_channel_thanks_managers_who_kept_every_1_1_and_names_no_one_behind() -> None:
    entries = [
        entry("U_ANA", Status.ON_CADENCE),
        entry("U_ANA", Status.PAUSED),
        entry("U_BO", Status.OVERDUE, overdue=2),
        entry("U_BO", Status.ON_CADENCE),
        entry("U_DEE", Status.PAUSED),
    ]
    party = celebrate(entries, {"U_ANA": 3, "U_BO": 5})
    assert party.thanked == ("U_ANA",)
    # A streak an overdue 1:1 is about to end is not celebrated either.
    assert party.streaks == (("U_ANA", 3),)
    assert (party.summary.on_cadence, party.summary.behind, party.summary.paused) == (2, 1, 2)
    assert not party.just_started


def test_on_day_one_nobody_is_thanked_for_a_cadence_not_yet_due() -> None:
    entries = [entry("U_ANA", Status.ON_CADENCE, tested=False) for _ in range(3)]
    party = celebrate(entries, {})
    assert party.thanked == ()
    assert party.just_started and party.first_due == date(2026, 1, 8)


def test_the_private_summary_lists_the_managers_own_slips_most_overdue_first() -> None:
    entries = [
        DigestEntry("U_BO", "U_SAM", state_with(Status.OVERDUE, 1), True),
        DigestEntry("U_BO", "U_ALEX", state_with(Status.OVERDUE, 9), True),
        DigestEntry("U_BO", "U_KIM", state_with(Status.ON_CADENCE), True),
        DigestEntry("U_ANA", "U_LEE", state_with(Status.OVERDUE, 4), True),
    ]
    own = summarise_manager("U_BO", entries, streak=0)
    assert [e.rep_id for e in own.behind] == ["U_ALEX", "U_SAM"]
    assert (own.summary.on_cadence, own.summary.behind) == (1, 2)


@given(st.lists(st.tuples(st.sampled_from("ABCD"), st.sampled_from(list(Status)), st.booleans())))
def test_no_one_thanked_has_a_1_1_behind(pairs: list[tuple[str, Status, bool]]) -> None:
    entries = [entry(manager, status, tested=tested) for manager, status, tested in pairs]
    party = celebrate(entries, dict.fromkeys("ABCD", 2))
    behind = {e.manager_id for e in entries if e.state.status is Status.OVERDUE}
    assert not set(party.thanked) & behind
    assert not {m for m, _ in party.streaks} & behind
