"""The quality gate: hard rules reject (open, non-judging, count, kind, note), soft qualities
(forward, ownership, situation, the manager's words) are scored and never reject."""

from __future__ import annotations

import pytest

from bot.domain.quality import (
    EvalCase,
    carries_keywords,
    carries_situation,
    check_question,
    check_reframe,
    evaluate,
    judging_words,
    thresholds,
)
from bot.domain.reframing import Reframe

GOOD = (
    "What did you notice about the balance of talking and listening on the Acme call?",
    "Which questions could you keep ready to hand the conversation back to the buyer?",
    "What would you like to try on your next call?",
)


@pytest.mark.parametrize(
    "question",
    [
        "What did you notice on the Acme call?",
        "How did the buyer react?",
        "Which moment stood out for you?",
        "When do you usually ask about budget?",
        "Where did most of your time go last week?",
        "Who else is involved in the decision?",
        "What's one thing you'd like to try?",
        "what would you like to try next time?",
        "Looking back at the demo, what stood out for you?",
        "If you could replay the call, what would you change?",
        "What would you like to try, and how will you know it worked?",
        "What’s on your mind?",
        "Thinking about the Acme call — when did you feel them lose interest?",
        "Looking back at the demo: what stood out for you?",
        "And what's one question you could ask instead?",
    ],
)
def test_open_questions_are_open(question: str) -> None:
    assert check_question(question).open


@pytest.mark.parametrize(
    "question",
    [
        "Did you talk too much on the Acme call?",
        "Would you like to try pausing more?",
        "Can you ask more questions next time?",
        "Could you send the recap sooner?",
        "Do you think that went well?",
        "Is there anything you'd change?",
        "Have you tried a shorter deck?",
        "Will you book the next meeting before hanging up?",
        "What do you think, did it work?",
        "What happened, and did you ask for the order?",
        "What did you notice on the call.",
        "What did you notice on the call",
        "Tell me about the call?",
        "Why did you discount so early?",
        "What happened? Did you ask about budget?",
        "",
        "?",
    ],
)
def test_yes_no_and_non_questions_are_not_open(question: str) -> None:
    assert not check_question(question).open


@pytest.mark.parametrize(
    ("question", "word"),
    [
        ("What should you have done differently?", "should you"),
        ("What do you need to change on your next call?", "need to"),
        ("What must happen before you discount?", "must"),
        ("What do you have to do differently?", "have to"),
        ("How did you fail to qualify Oscorp?", "fail"),
        ("What went wrong on the Acme call?", "wrong"),
        ("What made the demo so bad?", "bad"),
        ("Which poor habits showed up on the call?", "poor"),
        ("What went well, but what would you change?", "but"),
        ("What went well, BUT what would you change?", "BUT"),
        ("How could you be less lazy about follow-ups?", "lazy"),
        ("What was the mistake you made with Globex?", "mistake"),
        ("Why didn't you ask for the business?", "Why didn't you"),
        ("What do you always forget to ask?", "you always"),
        ("What were you thinking when you offered 30% off?", "What were you thinking"),
    ],
)
def test_judging_questions_are_flagged(question: str, word: str) -> None:
    check = check_question(question)
    assert not check.non_judging
    assert word in check.judging_words


@pytest.mark.parametrize(
    "question",
    [
        "What would you need to see before signing off on 250k?",
        "What would need to be true for Oscorp to be worth another month?",
        "If you were their CFO, what would you need to hear first?",
    ],
)
def test_a_hypothetical_need_is_not_a_judgement(question: str) -> None:
    assert check_question(question).non_judging


@pytest.mark.parametrize(
    "question",
    [
        "Which button in the demo got the strongest reaction?",
        "How do you usually find out about budget?",
        "What did the butler's story add to the demo?",
        "What did the buyer need from you?",
        "Who is the budget holder at Hooli?",
        "What did you notice about the rebuttals you heard?",
    ],
)
def test_words_that_merely_contain_a_judging_word_are_fine(question: str) -> None:
    assert check_question(question).non_judging


@pytest.mark.parametrize(
    "question",
    [
        "What would you like to try on your next call?",
        "How will you know it worked?",
        "What's your plan for the Globex renewal?",
        "Which objection would you like to practise this week?",
        "What would you do differently going forward?",
        "What could you try on upcoming calls?",
        "What would you like to do from now on?",
    ],
)
def test_forward_looking_questions_are_forward(question: str) -> None:
    assert check_question(question).forward


@pytest.mark.parametrize(
    "question",
    [
        "What did you notice on the Acme call?",
        "How did the buyer react when you showed pricing?",
        "What tried your patience most?",
    ],
)
def test_questions_about_the_past_are_not_forward(question: str) -> None:
    assert not check_question(question).forward


@pytest.mark.parametrize(
    "question",
    [
        "What would you like to try on your next call?",
        "Which of these matters most to you?",
        "What's your goal for the next quarter?",
        "What do you want to get better at?",
        "Which one would you most like to work on first?",
        "What feels right to you?",
    ],
)
def test_questions_that_hand_over_the_choice_show_ownership(question: str) -> None:
    assert check_question(question).ownership


def test_questions_that_do_not_hand_over_the_choice_lack_ownership() -> None:
    assert not check_question("What did you notice on the Acme call?").ownership
    assert not check_question("What could you ask the buyer?").ownership


def test_a_good_reframe_passes() -> None:
    report = check_reframe(GOOD, "listening", situation="the Acme call")
    assert report.passes
    assert report.count_ok and report.all_open_and_non_judging
    assert report.has_forward and report.has_ownership
    assert report.situation_carried and report.competency_ok and report.competency_known
    assert report.problems() == ()
    assert [q.text for q in report.questions] == list(GOOD)


@pytest.mark.parametrize(
    ("count", "ok"), [(0, False), (1, False), (2, True), (4, True), (5, False)]
)
def test_two_to_four_questions_are_allowed(count: int, ok: bool) -> None:
    questions = ["What would you like to try on your next call?"] * count
    report = check_reframe(questions, "listening")
    assert report.count_ok is ok
    assert report.passes is ok


def test_one_yes_no_question_fails_the_whole_reframe() -> None:
    questions = (*GOOD[:2], "Would you like to try pausing more on your next call?")
    report = check_reframe(questions, "listening")
    assert not report.all_open_and_non_judging
    assert not report.passes
    assert any("not an open question" in p for p in report.problems())


def test_one_judging_question_fails_the_whole_reframe() -> None:
    questions = (*GOOD, "What went wrong on the Acme call?")
    report = check_reframe(questions, "listening")
    assert not report.passes
    assert any("judging (wrong)" in p for p in report.problems())


def test_a_reframe_without_a_forward_question_still_passes_but_scores_lower() -> None:
    questions = ("What did you notice on the call?", "Which of these matters most to you?")
    report = check_reframe(questions, "listening")
    assert not report.has_forward
    assert report.passes
    assert report.score < check_reframe(GOOD, "listening").score
    assert any(p.startswith("soft:") and "forward" in p for p in report.problems())


def test_a_reframe_without_ownership_still_passes_but_scores_lower() -> None:
    questions = ("What did you notice on the call?", "How could you try it on your next call?")
    report = check_reframe(questions, "listening")
    assert not report.has_ownership
    assert report.passes
    assert report.score < check_reframe(GOOD, "listening").score


def test_the_answer_an_ownership_regex_once_threw_away_passes() -> None:
    questions = (
        "What would a great first discovery call look like for you next week?",
        "How will you know the customer's pain before you show the product?",
        "What support from me would help you practise that?",
    )
    report = check_reframe(questions, "discovery")
    assert report.passes, report.problems()
    assert report.hard_problems() == ()


def test_an_unknown_competency_fails() -> None:
    report = check_reframe(GOOD, "charisma")
    assert not report.competency_known and not report.competency_ok
    assert not report.passes
    assert "competency" in report.hard_problems()


def test_no_competency_is_allowed_when_none_applies() -> None:
    assert check_reframe(GOOD, None).passes


def test_an_unknown_kind_fails() -> None:
    report = check_reframe(GOOD, "listening", kind="pep_talk")
    assert not report.kind_known
    assert not report.passes
    assert "kind" in report.hard_problems()


@pytest.mark.parametrize(
    ("kind", "count", "ok"),
    [
        ("expectation", 1, True),
        ("expectation", 3, False),
        ("other_language", 0, True),
        ("other_language", 1, False),
        ("too_vague", 0, True),
        ("coaching", 1, False),
        ("already_coaching", 1, True),
    ],
)
def test_the_number_of_questions_fits_the_kind(kind: str, count: int, ok: bool) -> None:
    questions = ["What gets in the way of getting to standup on time?"] * count
    report = check_reframe(questions, None, kind=kind, note="A private note.")
    assert report.count_ok is ok


@pytest.mark.parametrize("kind", ["results", "expectation", "team_selling", "too_vague"])
def test_kinds_that_need_a_private_note_fail_without_one(kind: str) -> None:
    assert not check_reframe(GOOD[:2], None, kind=kind).passes
    assert check_reframe(GOOD[:2], None, kind=kind, note="Say it plainly and kindly.").passes


def test_a_note_that_judges_fails() -> None:
    report = check_reframe(GOOD[:1], None, kind="expectation", note="They failed again.")
    assert not report.note_ok and not report.passes


def test_a_question_that_copies_the_message_back_fails() -> None:
    message = "What did you notice about the balance of talking and listening on the Acme call?"
    assert not check_reframe(GOOD, "listening", message=message).passes
    kept = check_reframe((message,), "listening", kind="already_coaching", message=message)
    assert kept.passes


@pytest.mark.parametrize(
    "question",
    [
        "What did you notice when <@U123> spoke?",
        "What did you notice on $situation?",
        "what did you notice on the call?",
        "What did you notice at https://example.com?",
        "What did you notice on the call" + " and then" * 60 + "?",
    ],
)
def test_questions_with_markup_or_template_leftovers_are_not_well_formed(question: str) -> None:
    assert not check_question(question).well_formed
    assert not check_reframe([question, GOOD[2]], "listening").passes


def test_relevance_is_a_word_prefix_match_on_the_managers_key_words() -> None:
    questions = ["How would you like to handle pricing the next time it comes up?"]
    assert carries_keywords(questions, ["pric"])
    assert carries_keywords(questions, ["comes up"])
    assert not carries_keywords(questions, ["discount"])
    assert not carries_keywords(["What did you notice about the price?"], ["rice"])


def test_the_wrong_competency_is_measured_but_does_not_block_showing() -> None:
    report = check_reframe(GOOD, "listening", expected_competency="discovery")
    assert not report.competency_ok
    assert report.passes


def test_a_situation_that_no_question_mentions_is_not_carried() -> None:
    report = check_reframe(GOOD, "listening", situation="the Globex QBR")
    assert not report.situation_carried
    assert report.passes  # measured by the evaluation, not required to send


@pytest.mark.parametrize(
    ("situation", "question", "carried"),
    [
        ("the Acme call", "What did you notice on the Acme call?", True),
        ("the Acme call", "What did you notice on the acme call?", True),
        ("the QBR with Globex", "What stood out in your QBR with Globex?", True),
        ("the Umbrella follow-up call", "How did the Umbrella follow up call go?", True),
        ("Thursday's demo", "What happened after Thursday's demo?", True),
        ("the Acme call", "What did you notice on the Acme renewal?", False),
        ("Dunder Mifflin", "What did you learn at Dunder?", False),
        ("the", "What happened?", True),
    ],
)
def test_situation_is_carried_when_one_question_has_all_its_words(
    situation: str, question: str, carried: bool
) -> None:
    assert carries_situation([question], situation) is carried


def test_judging_words_are_reported_as_written() -> None:
    assert judging_words("You SHOULD have asked, but you failed") == ("You SHOULD", "but", "failed")
    assert judging_words("the Acme call") == ()


def test_evaluate_scores_an_engine_against_labelled_cases() -> None:
    cases = [
        EvalCase("talk less", "listening"),
        EvalCase("on the Acme call you talked too much", "listening", "the Acme call"),
    ]

    def engine(text: str) -> Reframe:
        return Reframe(GOOD, "listening", "Let the buyer talk more.", "fake")

    evaluation = evaluate(cases, engine)
    scores = evaluation.scores()
    assert scores["competency"] == 1.0
    assert scores["open_and_non_judging"] == 1.0
    assert scores["situation_carried"] == 1.0
    assert evaluation.shortfalls() == {}
    assert evaluation.scores("discovery")["competency"] == 1.0  # nothing to count


def test_evaluate_reports_criteria_under_threshold() -> None:
    def engine(text: str) -> Reframe:
        return Reframe(("Did it go well?", "Was it good?"), "closing", "", "fake", kind="praise")

    case = EvalCase("talk less", "listening", "the Acme call", "coaching", ("talk",))
    evaluation = evaluate([case], engine)
    shortfalls = evaluation.shortfalls()
    assert set(shortfalls) == set(thresholds())


def test_evaluate_scores_kind_none_and_relevance() -> None:
    def engine(text: str) -> Reframe:
        return Reframe(GOOD, None, "f", "fake", kind="too_vague", note="Which call?")

    cases = [
        EvalCase("do better", None, kind="too_vague"),
        EvalCase("talk less", "listening", kind="coaching", behaviour=("talk",)),
    ]
    scores = evaluate(cases, engine).scores()
    assert scores["kind"] == 0.5
    assert scores["none"] == 1.0
    assert scores["competency"] == 0.0
    assert scores["relevant"] == 1.0
