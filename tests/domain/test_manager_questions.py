"""A manager's own good question is sent as the rep should read it: without the lead-in
that was meant for Coach ("Question for Priya after the Zenith call - …")."""

from __future__ import annotations

import pytest

from bot.domain.reframing import reframe_with_rules


@pytest.mark.parametrize(
    ("text", "sent"),
    [
        (
            "Question for Priya after Zenith - what did you hear when their CFO went quiet?",
            "What did you hear when their CFO went quiet?",
        ),
        (
            "Something I'd like to ask Olivia: what would you do differently on the Acme call?",
            "What would you do differently on the Acme call?",
        ),
    ],
)
def test_the_lead_in_for_coach_is_not_sent(text: str, sent: str) -> None:
    reframe = reframe_with_rules(text)
    assert reframe.kind == "already_coaching"
    assert reframe.questions[0] == sent


def test_a_lead_in_that_says_something_stays() -> None:
    text = "Thinking about the Pemberton call — when did you feel them lose interest?"
    assert reframe_with_rules(text).questions[0].startswith("Thinking about the Pemberton call")
