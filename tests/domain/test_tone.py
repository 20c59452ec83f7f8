"""A sarcastic message is answered straight, with a private word on tone."""

from __future__ import annotations

from bot.domain.reframing import reframe_with_rules


def test_sarcasm_gets_a_private_word_on_tone_and_a_straight_reply() -> None:
    reframe = reframe_with_rules("wow, another call with no next step. love that for us")
    assert reframe.competency == "closing"
    assert reframe.note is not None and "sarcas" in reframe.note
    assert not any("love that" in question for question in reframe.questions)
    assert reframe_with_rules("great call with Hooli today 🔥").note is None
