"""A sarcastic message is answered straight, with a private word on tone."""

from __future__ import annotations

from bot.domain.reframing import reframe_with_rules


def test_sarcasm_gets_a_private_word_on_tone_and_a_straight_reply() -> None:
    reframe = reframe_with_rules("wow, another call with no next step. love that for us")
    assert reframe.competency == "closing"
    assert reframe.note is not None and "sarcas" in reframe.note
    assert not any("love that" in question for question in reframe.questions)
    assert reframe_with_rules("great call with Hooli today 🔥").note is None


def test_praise_alone_beside_a_bad_outcome_is_sarcasm() -> None:
    for text in (
        "Another no-show at the Kessler demo because nobody confirmed. Amazing.",
        "0 wins this month. great work team 👏",
    ):
        reframe = reframe_with_rules(text)
        assert reframe.kind != "praise", text
        assert reframe.note is not None and "sarcas" in reframe.note, text
    assert reframe_with_rules("0 churn this quarter. great work team 👏").kind == "praise"


def test_praise_names_what_the_rep_did_not_the_verdict() -> None:
    reframe = reframe_with_rules(
        "you nailed the Fenwick renewal, the way you tied their usage numbers to their goals "
        "got the CFO to sign early"
    )
    assert reframe.kind == "praise"
    assert "you tied their usage numbers to their goals" in reframe.questions[0]
    assert "nailed" not in reframe.questions[0]


def test_a_tally_is_not_read_back_to_the_rep() -> None:
    reframe = reframe_with_rules("you interrupted the CFO like 6 times on the Globex call")
    assert any("when you interrupted the CFO" in q for q in reframe.questions)
    assert not any("6 times" in q for q in reframe.questions)


def test_a_meeting_missed_altogether_is_about_being_there_not_on_time() -> None:
    reframe = reframe_with_rules("you've missed the last three Tuesday trainings")
    assert reframe.kind == "expectation"
    assert reframe.questions == ("What gets in the way of being at our trainings?",)
    assert "on time" not in (reframe.note or "")
