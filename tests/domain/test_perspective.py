"""A message about the rep ("Luis kept…") is answered to the rep, never about them."""

from __future__ import annotations

import pytest

from bot.domain.reframing import reframe_with_rules
from bot.domain.reframing.cleaning import english_words
from bot.domain.reframing.perspective import to_second_person


@pytest.mark.parametrize(
    ("written", "read"),
    [
        (
            "Luis kept talking over the buyer at the end of his demo, he never lets them ask",
            "You kept talking over the buyer at the end of your demo, you never let them ask",
        ),
        ("Nick needs to step it up", "You need to step it up"),
        ("Dev doesn't ask for the meeting", "You don't ask for the meeting"),
        ("Priya's been late twice", "You've been late twice"),
        ("sam sent it late, he forgot", "You sent it late, you forgot"),
        (
            "She pushes discounts early. Her calls are all about price",
            "You push discounts early. Your calls are all about price",
        ),
        (
            "Marcus talks too much, he asks a question and then answers it himself",
            "You talk too much, you ask a question and then answer it yourself",
        ),
        (
            "I sat in on Sam's call with Acme, he talked for 40 minutes",
            "I sat in on your call with Acme, you talked for 40 minutes",
        ),
        ("Quick one on Dev: he keeps sending proposals early", "You keep sending proposals early"),
        # Someone's own words stay theirs.
        (
            'Jenna asked "what would he need?" and she stopped',
            'You asked "what would he need?" and you stopped',
        ),
    ],
)
def test_the_rep_written_about_is_read_as_you(written: str, read: str) -> None:
    assert to_second_person(written, english_words()) == read


@pytest.mark.parametrize(
    "text",
    [
        "Acme pushed back on price and Sam folded",  # two names: which is the rep?
        "Acme pushed back and you folded",  # already written to the rep
        "Great call with Hooli today",
        "Initech's CFO hated the deck",
        "PTO requests need 2 weeks notice",
        "I listened to the Globex call, he talked for 40 minutes",
    ],
)
def test_messages_not_about_the_rep_are_left_as_written(text: str) -> None:
    assert to_second_person(text, english_words()) == text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Luis kept talking over the buyer at the end of his demo with Brightwell", "Luis"),
        (
            "Omar froze when the CFO at Parkline mentioned a cheaper competitor, he went quiet",
            "Omar",
        ),
        ("Ravi is single threaded on Norwell, he only talks to the IT manager", "Ravi"),
        ("Mateo built great rapport at Ironside. but he sent the quote before any ROI", "Mateo"),
    ],
)
def test_the_questions_speak_to_the_rep_not_about_them(text: str, name: str) -> None:
    reframe = reframe_with_rules(text)
    assert reframe.questions
    assert not any(name in question for question in reframe.questions), reframe.questions


@pytest.mark.parametrize(
    ("written", "read"),
    [
        (
            "Loved how Mei handled the escalation, she listened first",
            "Loved how you handled the escalation, you listened first",
        ),
        (
            "Props to Dev for the Zenith demo, he nailed it",
            "Props to you for the Zenith demo, you nailed it",
        ),
    ],
)
def test_the_rep_praised_by_name_is_read_as_you(written: str, read: str) -> None:
    assert to_second_person(written, english_words()) == read
