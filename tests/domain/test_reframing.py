"""The offline reframer: it reads the message first, then answers it as a coach would.

Each kind of message gets its own kind of reply; coaching questions carry what happened,
in the manager's words; every question is open and free of judgement; the same text gets
the same reply every time.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from pathlib import Path
from string import Template

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import prompts
from bot.domain.quality import (
    EvalCase,
    carries_situation,
    check_question,
    check_reframe,
    evaluate,
    load_cases,
)
from bot.domain.reframing import (
    COMPETENCIES,
    KINDS,
    Reframe,
    competency_label,
    competency_labels,
    detect_competency,
    extract_situation,
    reframe_with_rules,
)

EVAL_PATH = Path(__file__).resolve().parent.parent / "data" / "feedback_eval.toml"


def _eval_cases() -> list[EvalCase]:
    return load_cases(EVAL_PATH)


def _passes(reframe: Reframe, situation: str | None = None) -> bool:
    return _report(reframe, situation).passes


def _report(reframe: Reframe, situation: str | None = None):  # type: ignore[no-untyped-def]
    return check_reframe(
        reframe.questions,
        reframe.competency,
        kind=reframe.kind,
        note=reframe.note,
        situation=situation,
    )


def _joined(reframe: Reframe) -> str:
    return " ".join(reframe.questions).lower()


# --- the examples from the issue ----------------------------------------------------------


def test_talking_too_much_on_the_acme_call_becomes_listening_questions_about_that_call() -> None:
    reframe = reframe_with_rules("you talked too much on the Acme call")

    assert reframe.kind == "coaching"
    assert reframe.competency == "listening"
    assert reframe.engine == "rules"
    assert reframe.note is None
    assert extract_situation("you talked too much on the Acme call") == "the Acme call"
    assert any("the Acme call" in q for q in reframe.questions)
    report = check_reframe(reframe.questions, reframe.competency, situation="the Acme call")
    assert report.passes and report.situation_carried
    assert "talk" in _joined(reframe)
    assert "talk" in reframe.focus.lower()
    assert "too much" not in _joined(reframe)


def test_the_moment_and_the_behaviour_are_asked_about_in_the_managers_words() -> None:
    text = (
        "great energy but you lost them the minute pricing came up, "
        "you just read the price sheet off the slide"
    )
    reframe = reframe_with_rules(text)

    assert reframe.kind == "mixed"
    assert reframe.competency == "presentation"
    questions = [q.lower() for q in reframe.questions]
    assert "energy" in questions[0]  # one question reinforces what worked
    assert any("the minute pricing came up" in q for q in questions)
    assert any("you read the price sheet off the slide" in q for q in questions)
    assert any("the next time pricing comes up" in q for q in questions)
    assert " just " not in " ".join(questions)
    assert _passes(reframe)


def test_what_the_buyer_said_sets_the_scene_and_the_reps_reply_is_the_skill() -> None:
    text = "when Stark said the budget was frozen you jumped straight to a discount"
    reframe = reframe_with_rules(text)

    assert reframe.competency == "negotiation"
    joined = _joined(reframe)
    assert "when stark said the budget was frozen" in joined
    assert "the next time a buyer says the budget is frozen" in joined
    assert "straight" not in joined


def test_what_was_left_undone_is_asked_about_without_a_trap() -> None:
    reframe = reframe_with_rules("you never asked about budget on the Globex call")

    assert reframe.competency == "qualification"
    joined = _joined(reframe)
    assert "asking about budget" in joined
    assert "never" not in joined
    assert carries_situation(reframe.questions, "the Globex call")


def test_a_discount_before_the_buyer_asked_is_never_told_as_after() -> None:
    text = "you offered 3 months free on the Hooli expansion before they asked for anything"
    reframe = reframe_with_rules(text)

    assert reframe.competency == "negotiation"
    assert "when they asked" not in _joined(reframe)
    assert "before they asked" in _joined(reframe)


def test_a_call_still_to_come_gets_pre_call_questions() -> None:
    reframe = reframe_with_rules("for the Acme call tomorrow, make sure you ask about budget")

    joined = _joined(reframe)
    assert "notice" not in joined and "looking back" not in joined
    assert "ask about budget" in joined
    assert carries_situation(reframe.questions, "the Acme call")


def test_the_same_text_always_gets_the_same_reframe() -> None:
    text = "Great demo! But you never asked about budget on the Globex call"
    assert reframe_with_rules(text) == reframe_with_rules(text)
    assert reframe_with_rules(text).to_json_dict() == reframe_with_rules(text).to_json_dict()


def test_different_feedback_gets_varied_questions() -> None:
    texts = [case.text for case in _eval_cases()]
    reframes = [reframe_with_rules(t) for t in texts]
    first_questions = {r.questions[0] for r in reframes if r.questions}
    all_questions = {q for r in reframes for q in r.questions}
    assert len(first_questions) >= 150
    assert len(all_questions) >= 500


def test_to_json_dict_has_the_contract_shape() -> None:
    reframe = reframe_with_rules("talk less")
    assert reframe.to_json_dict() == {
        "kind": "coaching",
        "questions": list(reframe.questions),
        "competency": "listening",
        "focus": reframe.focus,
        "note": None,
        "engine": "rules",
    }
    assert reframe_with_rules("do better").to_json_dict()["competency"] is None
    assert set(KINDS) == {
        "coaching", "praise", "mixed", "results", "expectation", "team_selling",
        "already_coaching", "too_vague", "other_language",
    }  # fmt: skip


# --- the kinds: each message answered as a coach would ------------------------------------


def test_praise_is_reinforced_never_turned_into_a_weakness() -> None:
    text = "great job summarising their goals in the Hooli renewal"
    reframe = reframe_with_rules(text)

    assert reframe.kind == "praise"
    assert reframe.note is None
    first = reframe.questions[0]
    assert "summarising their goals" in first and "Hooli renewal" in first
    assert any(w in q for q in reframe.questions for w in ("else", "next", "habit", "upcoming"))
    for word in ("differently", "improve", "change", "instead"):
        assert word not in _joined(reframe)
    assert _passes(reframe)


@pytest.mark.parametrize(
    "text",
    ["great call today 🔥", "🔥🔥", "Nice save on the Falcon call 👏", "kudos, textbook close"],
)
def test_plain_praise_is_praise(text: str) -> None:
    reframe = reframe_with_rules(text)
    assert reframe.kind == "praise"
    assert 2 <= len(reframe.questions) <= 3
    assert _passes(reframe)


@pytest.mark.parametrize(
    "text",
    [
        "super helpful 🙃",
        "great job losing that one",
        "love that for us :upside_down_face:",
        "nice going on the Acme call, they ghosted us",
    ],
)
def test_sarcasm_is_not_praise(text: str) -> None:
    assert reframe_with_rules(text).kind not in ("praise", "mixed")


@pytest.mark.parametrize(
    "text",
    [
        "your CRM notes on the Brightline opp say 'great call, very keen'. the recording shows "
        "nobody asked who signs",
        "Acme said 'this looks good' and you logged it as commit. no budget, no timeline",
    ],
)
def test_praise_inside_a_quote_is_not_the_managers_praise(text: str) -> None:
    assert reframe_with_rules(text).kind == "coaching"


@pytest.mark.parametrize(
    "text",
    [
        "you handled the security review with Dana from IT really well",
        "the cleanest forecast on the team this month, every commit deal has a date",
        "killer demo for Oakridge, every screen tied back to their dispatch workflow",
    ],
)
def test_praise_in_other_words_is_praise(text: str) -> None:
    assert reframe_with_rules(text).kind == "praise"


@pytest.mark.parametrize(
    "text",
    [
        "the demo for Fenwick was really strong. where it slipped was pricing, you gave 20% "
        "without asking for anything",
        "love the persistence with Fenwick. the risk now is that you're single threaded",
        "great quarter!! but your commit was off, you called 300k and landed 140k",
    ],
)
def test_praise_with_a_growth_area_is_mixed(text: str) -> None:
    assert reframe_with_rules(text).kind == "mixed"


@pytest.mark.parametrize(
    "text",
    [
        "on the Brightline call you told them pricing starts at 50k before they asked",
        "you keep saying 'just checking in' in your follow ups, give them a reason to reply",
        "in the Corvid QBR you spent 20 minutes on our roadmap and never asked what changed",
    ],
)
def test_a_told_behaviour_is_coaching_even_with_no_skill_named(text: str) -> None:
    reframe = reframe_with_rules(text)
    assert reframe.kind == "coaching"
    assert _passes(reframe)


def test_numbers_with_a_behaviour_are_coaching_a_report_of_numbers_is_results() -> None:
    coaching = "3 meetings from 120 dials. your opener asks 'did I catch you at a bad time'"
    assert reframe_with_rules(coaching).kind == "coaching"
    report = "Q2: 30 opps created, 4 closed won, 26 open. commit 200k, landed 120k"
    assert reframe_with_rules(report).kind == "results"


def test_numbers_alone_are_a_results_conversation() -> None:
    reframe = reframe_with_rules("pipeline coverage is 1.5x, need 3x")

    assert reframe.kind == "results"
    assert reframe.note and "results conversation" in reframe.note
    joined = _joined(reframe)
    assert "1.5x" in joined and "3x" in joined
    assert _passes(reframe)


def test_an_expectation_is_stated_plainly_with_one_question_on_what_gets_in_the_way() -> None:
    reframe = reframe_with_rules("you were late to standup again")

    assert reframe.kind == "expectation"
    assert reframe.note and "expectation" in reframe.note and "“" in reframe.note
    assert len(reframe.questions) == 1
    assert "gets in the way" in reframe.questions[0]
    assert "standup" in reframe.questions[0]
    assert "again" not in _joined(reframe)
    assert _passes(reframe)


@pytest.mark.parametrize(
    ("text", "said", "not_said"),
    [
        (
            "CRM hasnt been updated since tuesday. i need it current by friday noon every week,"
            " no exceptions",
            "I need it current by Friday noon every week, no exceptions",
            "end of each day",
        ),
        (
            "you can't offer 25% without approval. anything over 10% comes through me first."
            " the Zephyrine quote needs to be pulled back today",
            "Anything over 10% comes through me first",
            "pulled back",
        ),
        (
            "the tone in #sales-ops yesterday with Kenji was not ok. disagree all you want but"
            " do it in DM, no public snark",
            "Disagree all you want but do it in DM",
            "snark",
        ),
    ],
)
def test_an_expectation_the_manager_stated_is_said_back_in_their_words(
    text: str, said: str, not_said: str
) -> None:
    """A generic example ("by the end of each day") would contradict the manager's own rule."""
    reframe = reframe_with_rules(text)

    assert reframe.kind == "expectation"
    assert reframe.note and f"“{said} — " in reframe.note
    assert not_said not in reframe.note
    assert _passes(reframe)


def test_what_happened_is_not_said_back_as_the_rule() -> None:
    reframe = reframe_with_rules(
        "Next steps field is empty on most of your deals, I can't tell what's happening"
    )
    assert reframe.note and "can't tell" not in reframe.note


@pytest.mark.parametrize(
    "text",
    [
        "Update your close dates in Salesforce please, half of them are in the past",
        "expense report is 3 weeks overdue, receipts pls",
        "you snapped at the SE in the deal channel, not ok",
        "don't send a discount without approval from me",
        "any discount over 10% needs my approval before it goes to the customer",
        "never share internal docs with a prospect, no exceptions",
        "1:1s aren't optional, that's two skipped this month",
        "please stop booking meetings on my calendar without asking",
    ],
)
def test_admin_and_conduct_are_expectations(text: str) -> None:
    reframe = reframe_with_rules(text)
    assert reframe.kind == "expectation"
    assert _passes(reframe)


def test_a_manager_taking_over_a_call_is_team_selling() -> None:
    reframe = reframe_with_rules("I'll run the final call with Initech myself, you take notes")

    assert reframe.kind == "team_selling"
    assert reframe.note and "team selling" in reframe.note
    assert any("lead" in q or "run" in q for q in reframe.questions)
    assert _passes(reframe)


def test_coming_to_a_call_to_observe_is_not_team_selling() -> None:
    assert reframe_with_rules("I'll join your Acme call to listen").kind != "team_selling"
    observe = "I'm joining the Brightline demo on mute, then let's debrief"
    assert reframe_with_rules(observe).kind == "coaching"


@pytest.mark.parametrize(
    "text",
    [
        "I'm taking over the Corvid renewal from here, loop me in on everything",
        "put me on the invite for the Halvorsen call, I'll do the commercial part",
        "add me to the Quorum call, I want to handle the legal redlines myself",
    ],
)
def test_a_manager_leading_a_part_of_a_call_is_team_selling(text: str) -> None:
    assert reframe_with_rules(text).kind == "team_selling"


@pytest.mark.parametrize(
    "text",
    [
        "What would you need to learn on the next Parnell call to know if it's real?",
        "When you look back at the Oakridge demo, where did you feel you lost the room?",
        "Looking at your commit, which deal worries you most, and what's the evidence?",
    ],
)
def test_good_open_questions_are_already_coaching(text: str) -> None:
    reframe = reframe_with_rules(text)
    assert reframe.kind == "already_coaching"
    assert reframe.questions[0] == text
    assert _passes(reframe)


@pytest.mark.parametrize(
    "text",
    [
        "you had the ROI calculator ready and didn't use it. why didn't you use it?",
        "no next step booked with Fenwick. what's the plan, just hope?",
    ],
)
def test_a_rhetorical_question_inside_criticism_is_coaching(text: str) -> None:
    assert reframe_with_rules(text).kind == "coaching"


def test_a_good_coaching_question_is_kept_as_the_manager_wrote_it() -> None:
    text = "feedback for <@U024BE7LH|alex>: what did you notice when the CFO went quiet on pricing"
    reframe = reframe_with_rules(text + "?")

    assert reframe.kind == "already_coaching"
    assert reframe.questions[0] == "What did you notice when the CFO went quiet on pricing?"
    assert len(reframe.questions) <= 2
    assert _passes(reframe)


@pytest.mark.parametrize("text", ["do better", "bad call today", "not good enough", "step it up"])
def test_a_message_too_vague_to_coach_asks_the_manager_for_the_moment(text: str) -> None:
    reframe = reframe_with_rules(text)

    assert reframe.kind == "too_vague"
    assert reframe.competency is None
    assert reframe.note and "Which call" in reframe.note and "moment" in reframe.note
    assert _passes(reframe)


@pytest.mark.parametrize(
    "text",
    [
        "nicht so viel reden beim Kunden, du musst mehr zuhören",
        "hablaste demasiado en la llamada con el cliente",
        "нужно слушать клиента",
        "tu as trop parlé pendant l'appel avec le client",
    ],
)
def test_another_language_gets_a_plain_note_and_no_pretend_coaching(text: str) -> None:
    reframe = reframe_with_rules(text)

    assert reframe.kind == "other_language"
    assert reframe.questions == ()
    assert reframe.competency is None
    assert reframe.note and "English" in reframe.note and "LLM" in reframe.note
    assert _passes(reframe)


def test_a_german_noun_in_an_english_sentence_is_still_english() -> None:
    assert reframe_with_rules("the Angebot you sent Globex was 40 pages").kind != "other_language"


# --- competencies ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "competency"),
    [
        ("only 12 dials last week, we need more outbound", "prospecting"),
        ("you pitched before understanding what they needed", "discovery"),
        ("stop interrupting the buyer", "listening"),
        ("we still don't know who signs or what the budget is", "qualification"),
        ("the deck was 40 slides of features", "presentation"),
        ("you got defensive when they said we're too expensive", "objection_handling"),
        ("you gave away a 20% discount for nothing", "negotiation"),
        ("you never asked for the business", "closing"),
        ("follow up faster, they've gone dark", "follow_up"),
        ("update your close dates in Salesforce", "pipeline_management"),
        ("you were 10 minutes late to the call again", "time_management"),
    ],
)
def test_each_competency_is_recognised(text: str, competency: str) -> None:
    assert detect_competency(text) == competency
    assert reframe_with_rules(text).competency == competency


@pytest.mark.parametrize(
    ("text", "focus_word"),
    [
        ("you never got to the economic buyer on Initech, only the analyst", "budget"),
        ("we don't have a champion at Contoso who'd sell this internally", "champion"),
        ("nobody knows their decision process or who else needs to approve", "decision"),
        ("stop chasing deals way below our ICP, they're never going to buy", "fit"),
    ],
)
def test_qualification_is_one_behaviour_at_a_time(text: str, focus_word: str) -> None:
    reframe = reframe_with_rules(text)
    assert reframe.competency == "qualification"
    assert focus_word in reframe.focus.lower()


def test_no_evidence_is_an_honest_none_not_discovery() -> None:
    reframe = reframe_with_rules("that was rough")
    assert reframe.competency is None
    assert reframe.kind == "too_vague"
    assert detect_competency("that was rough") in COMPETENCIES  # goals always get one


def test_a_deck_is_not_presentation_when_the_problem_is_the_time_spent_on_it() -> None:
    text = "you spent 3 days on an internal deck nobody asked for instead of calling accounts"
    assert detect_competency(text) == "time_management"


def test_what_the_manager_says_is_not_the_problem_does_not_count() -> None:
    text = "the deck wasn't the problem, you never asked what they wanted to see"
    assert detect_competency(text) == "discovery"


@pytest.mark.parametrize(
    ("text", "competency", "focus_word"),
    [
        (
            "you let the ops guy hijack the call for 30 minutes on integrations and we never"
            " covered pricing",
            "time_management",
            "agenda",
        ),
        (
            "you emailed the quote to procurement and hoped for the best, book 30 min to walk"
            " them through it",
            "closing",
            "proposal",
        ),
        (
            "they just opened 2 new offices and you didn't bring up the extra licences at all",
            "closing",
            "grows",
        ),
        (
            "the renewal with Globex is in 3 weeks and you don't know how many seats they're"
            " actually using",
            "negotiation",
            "renewal",
        ),
        (
            "when they mentioned Gong you spent five minutes bashing them, stay on what we do well",
            "objection_handling",
            "competitor",
        ),
        (
            "you kept asking 'does that make sense?' after every sentence, ask what they think",
            "listening",
            "makes of",
        ),
        (
            "how is Initech in commit when nobody has met the economic buyer?",
            "pipeline_management",
            "forecast",
        ),
        (
            "your cold emails are way too long and all about our product, make the first line"
            " about them",
            "prospecting",
            "first message",
        ),
        (
            "you open every cold call with 'how are you today', give them a reason for the call",
            "prospecting",
            "cold call",
        ),
    ],
)
def test_what_the_rep_did_decides_the_skill_and_its_one_behaviour(
    text: str, competency: str, focus_word: str
) -> None:
    reframe = reframe_with_rules(text)
    assert reframe.competency == competency
    assert focus_word in reframe.focus.lower()


@pytest.mark.parametrize(
    ("text", "competency"),
    [
        (
            "the demo was long, pricing was rushed, but the main issue is you never asked about"
            " budget",
            "qualification",
        ),
        (
            "you talked over the CFO and rushed the pricing. talking over people is the real"
            " problem.",
            "listening",
        ),
        ("the problem isn't your discovery, it's that you never asked for the business", "closing"),
        ("you never learned their timeline or who signs off. that's a discovery gap", "discovery"),
    ],
)
def test_the_issue_the_manager_marks_or_names_decides(text: str, competency: str) -> None:
    assert detect_competency(text) == competency


def test_praise_inside_a_quote_is_not_praise_of_the_rep() -> None:
    text = 'your recap emails all say "great chatting today!" and nothing the buyer can forward'
    reframe = reframe_with_rules(text)
    assert reframe.competency == "follow_up"
    assert reframe.kind == "coaching"


def test_in_a_praise_sandwich_the_part_after_but_decides() -> None:
    text = "Great energy on the demo and lovely slides, but you did 80% of the talking"
    assert detect_competency(text) == "listening"
    assert reframe_with_rules(text).kind == "mixed"


def test_small_typos_are_forgiven_and_never_echoed() -> None:
    assert detect_competency("objecton handling on the Acme call needs work") == (
        "objection_handling"
    )
    assert detect_competency("Discovry questions were surface level") == "discovery"
    reframe = reframe_with_rules("u dont let ppl finsh there sentances on calls")
    assert reframe.competency == "listening"
    assert "finsh" not in _joined(reframe) and "ppl" not in _joined(reframe)


def test_shouting_is_not_echoed() -> None:
    reframe = reframe_with_rules("YOU NEVER ASKED ABOUT THEIR BUDGET ON THE GLOBEX CALL")
    assert reframe.competency == "qualification"
    for question in reframe.questions:
        assert not re.search(r"\b[A-Z]{4,}\b", question), question


def test_next_time_is_not_about_time_management() -> None:
    assert detect_competency("prepare the ROI story next time") == "presentation"


def test_labels_and_focus_come_from_the_prompts_data() -> None:
    taxonomy = prompts.load("reframe/taxonomy")
    assert tuple(taxonomy["competency"]) == COMPETENCIES
    assert tuple(competency_labels()) == COMPETENCIES
    assert competency_label("objection_handling") == "Handling objections"
    assert competency_label(None) == taxonomy["none_label"]
    for competency in COMPETENCIES:
        spec = taxonomy["competency"][competency]
        assert spec["label"] and spec["focus"] and spec["behaviour"]
        for behaviour in spec["behaviour"].values():
            assert behaviour["focus"].endswith(".")


# --- situations -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "situation"),
    [
        ("you talked too much on the Acme call", "the Acme call"),
        ("the QBR with Globex ran way over", "the QBR with Globex"),
        ("the pricing deck is 40 slides", "the pricing deck"),
        ("your demo to the CFO was a feature tour", "your demo to the CFO"),
        ("the disastrous, rambling Acme call", "the Acme call"),
        ("on acme call you kept interrupting", "the acme call"),
        ("When Tyrell said we're too expensive you argued", "Tyrell"),
        ("Where's the follow-up from Thursday's demo?", "Thursday's demo"),
        ("we only know the champion at Tyrell", "the champion at Tyrell"),
        ("solid call w/ Stark Industries but you talked a lot", "the call with Stark Industries"),
        ("The Initech call was good", "the Initech call"),
        ("you didn't follow up with Globex", "Globex"),
        ("feedback for Alex: you talked too much", None),
        ("Hey Sam, you talked over the CFO", "the CFO"),
        ("great work Sam! but you interrupted a lot", None),
        ("talk less", None),
        ("Great call but you never asked for the business", None),
        ("ask about budget on every first call", None),
        ("you argued with the customer", None),
        ("you read the price sheet off the slide", None),
        ("", None),
    ],
)
def test_the_named_situation_is_found_as_a_clean_phrase(text: str, situation: str | None) -> None:
    assert extract_situation(text) == situation


def test_slack_mentions_are_the_rep_not_a_situation() -> None:
    for text in ("<@U024BE7LH|alex> great job", "<@U024BE7LH> nice", "feedback for @alex: nice"):
        assert extract_situation(text) is None


def test_slack_markup_is_understood_and_never_echoed() -> None:
    text = (
        "<!channel> feedback for <@U024BE7LH|alex> in <#C024BE91L|sales>: "
        "<https://docs.example.com/d/1|the pricing deck> is 40 slides &amp; nobody reads it "
        "<!subteam^S012|@ae-team> :grimacing:"
    )
    assert extract_situation(text) == "the pricing deck"
    reframe = reframe_with_rules(text)
    assert reframe.competency == "presentation"
    joined = " ".join(reframe.questions)
    for raw in ("<", ">", "@", "|", "alex", "U024BE7LH", "sales", "https", "grimacing", "&amp;"):
        assert raw not in joined
    assert _passes(reframe, "the pricing deck")


@pytest.mark.parametrize(
    ("text", "situation"),
    [
        ("you talked too much on the Acme call", "the Acme call"),
        ("the pricing deck is 40 slides, way too many", "the pricing deck"),
        ("you interrupted the CFO four times", "the CFO"),
        ("you gave Globex a discount for nothing, with Globex of all accounts", "Globex"),
    ],
)
def test_people_accounts_and_meetings_are_carried_back(text: str, situation: str) -> None:
    reframe = reframe_with_rules(text)
    assert carries_situation(reframe.questions, situation), reframe.questions
    assert _passes(reframe)


def test_judging_words_in_the_feedback_are_not_echoed() -> None:
    text = "you were lazy and sloppy on the terrible Acme call, a really bad mistake"
    reframe = reframe_with_rules(text)
    assert extract_situation(text) == "the Acme call"
    assert _passes(reframe)
    words = _joined(reframe).replace("?", " ").split()
    for word in ("lazy", "sloppy", "terrible", "bad", "mistake", "really"):
        assert word not in words


FILLER = (
    "of everything that came up",
    "which of your strengths",
    "which of these",
)


def test_no_filler_anywhere_in_the_evaluation_set() -> None:
    for case in _eval_cases():
        joined = _joined(reframe_with_rules(case.text))
        for filler in FILLER:
            assert filler not in joined, (case.text, joined)


def test_no_question_repeats_a_phrase_or_the_situation_within_itself() -> None:
    for case in _eval_cases():
        for question in reframe_with_rules(case.text).questions:
            words = question.lower().replace("?", "").replace(",", "").split()
            pairs = [p for p in itertools.pairwise(words) if max(map(len, p)) > 3]
            assert len(pairs) == len(set(pairs)), question


# --- never raises, always passes the gate --------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "👍",
        "🔥🔥🔥",
        "hi",
        "?",
        "feedback",
        "\x00\x01\x1b[31m\x7f",
        "\ud800 lone surrogate",
        "<@U1|a>" * 500,
        "<<<>>>||@@##!!",
        "the the the the call call",
        "a" * 40_000,
        "you talked too much on the Acme call. " * 1_100,
        "Ünïcödé Çâll on the Ålpha call",
        "нужно слушать клиента",
        "$situation $on_situation ${x}",
    ],
)
def test_any_text_gets_a_reply_that_passes(text: str) -> None:
    reframe = reframe_with_rules(text)
    assert reframe.kind in KINDS
    assert reframe.competency is None or reframe.competency in COMPETENCIES
    assert reframe.focus
    assert _passes(reframe), _report(reframe).problems()


feedbackish = st.lists(
    st.sampled_from(
        [
            "you", "talked", "too", "much", "on", "the", "Acme", "call", "but", "great",
            "demo", "discount", "follow", "up", "budget", "<@U1|alex>", "<#C1|sales>",
            "<!here>", "<https://x.io|the deck>", ":fire:", "🔥", "🙃", "\n", ".", ",", "w/",
            "Globex", "QBR", "with", "CFO", "your", "late", "pipeline", "objection", "next",
            "step", "$", "?", "when", "said", "never", "asked", "I'll", "run", "what", "how",
            "did", "notice", "tomorrow", "12%", "quota", "standup", "nicht", "und", "der",
        ]
    ),
    max_size=40,
).map(" ".join)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), feedbackish))
def test_property_any_text_gets_a_reply_of_its_kind_that_passes(text: str) -> None:
    reframe = reframe_with_rules(text)
    situation = extract_situation(text)
    report = _report(reframe, situation if reframe.kind not in ("expectation",) else None)
    assert report.passes, report.problems()
    if reframe.kind in ("coaching", "mixed", "praise", "results", "team_selling"):
        assert 2 <= len(reframe.questions) <= 4
    assert reframe == reframe_with_rules(text)
    joined = " ".join(reframe.questions)
    assert "<" not in joined and "|" not in joined and "$" not in joined


def test_a_deal_still_open_ends_on_what_to_do_on_it_now_not_next_time() -> None:
    reframe = reframe_with_rules(
        "the Ortega Farms deal has been sitting at verbal commit for 7 WEEKS. it's not a"
        " commit. either get a date for the signed order form or move it back to stage 3"
    )
    assert "the Ortega Farms deal" in reframe.questions[-1]
    assert "next time" not in reframe.questions[-1]
    lost = reframe_with_rules("we lost the Tarrant deal, nobody asked what happens if they wait")
    assert "next step on" not in " ".join(lost.questions)


def test_the_account_named_replaces_the_banks_general_deal() -> None:
    joined = _joined(
        reframe_with_rules(
            "chris is single threaded at Oakmont. if Ben leaves the whole thing stalls."
            " need 2-3 more contacts, ideally someone in finance"
        )
    )
    assert "your biggest deal" not in joined and "at oakmont" in joined


def test_a_mixed_messages_growth_area_is_read_in_its_own_words_not_the_praises() -> None:
    """The praise names discovery; the growth area is the next meeting's attendees."""
    reframe = reframe_with_rules(
        "great discovery with Harrow, sharp questions on their current process. only thing:"
        " you didn't confirm who'd be in the next meeting"
    )
    assert reframe.kind == "mixed"
    assert reframe.competency == "closing"
    assert "current process" not in " ".join(reframe.questions[1:])


def test_a_name_inside_someones_quoted_words_is_not_the_account() -> None:
    joined = _joined(
        reframe_with_rules('your cold emails open with "My name is Sam and I work at". 3 lines max')
    )
    assert "about sam" not in joined and "with sam" not in joined


# --- the templates ----------------------------------------------------------------------------

SAMPLES = {
    "situation": ["the Acme call", "the pricing deck", "the CFO", "Globex"],
    "on_situation": [
        "on the Acme call", "in the pricing deck", "in your conversation with the CFO",
        "in your conversations with Globex",
    ],
    "event": ["the Acme call", "the pricing deck"],
    "on_event": ["on the Acme call", "in the pricing deck"],
    "who": ["Globex", "the CFO", "Priya"],
    "next_event": ["next week's QBR", "the Acme demo on Thursday"],
    "call": ["the Acme call", "your next call"],
    "behaviour": ["you read the price sheet off the slide"],
    "behaviour_now": ["you show every feature", "you jump to the discount"],
    "missed": ["asking about budget"],
    "alternative": ["let him finish his thought"],
    "moment": ["the minute pricing came up", "when Stark said the budget was frozen"],
    "next_moment": ["pricing comes up", "a buyer says the budget is frozen"],
    "gap": ["who signs"],
    "counterpart": ["their IT lead"],
    "quote": ["we need better reporting"],
    "praised": ["summarising their goals", "your energy", "the demo"],
    "praised_clause": ["you asked for the signature"],
    "manager_part": ["the pricing conversation"],
    "rep_part": ["the intro"],
    "topic": ["the discount", "next steps"],
    "metric": ["close rate"],
    "value": ["12%"],
    "target": ["20%"],
    "deal": ["Globex", "the Ortega Farms deal"],
    "funnel": ["142 dials, 9 conversations and 1 meeting"],
}  # fmt: skip


def _template_questions() -> list[tuple[str, str]]:
    """(where, question) for every template, filled with each sample of its slots."""
    found = []
    for name in ("questions", "bank"):
        for key, table in prompts.load(f"reframe/{name}").items():
            tables = [(key, table)] + [
                (f"{key}.{k}", v) for k, v in table.items() if isinstance(v, dict)
            ]
            for where, stages in tables:
                for stage, texts in stages.items():
                    if not isinstance(texts, list):
                        continue
                    flat = [
                        t for item in texts for t in (item if isinstance(item, list) else [item])
                    ]
                    for text in flat:
                        template = Template(text)
                        names = template.get_identifiers()
                        for n in range(2):
                            values = {k: SAMPLES[k][n % len(SAMPLES[k])] for k in names}
                            found.append((f"{name} [{where}] {stage}", template.substitute(values)))
    return found


def test_every_template_is_open_and_kind_with_any_piece_in_it() -> None:
    questions = _template_questions()
    assert len(questions) > 400
    for where, question in questions:
        check = check_question(question)
        assert check.open, (where, question)
        assert check.non_judging, (where, question, check.judging_words)
        assert check.well_formed, (where, question)


def test_every_will_question_looks_forward_and_hands_over_the_choice() -> None:
    wills = [
        (w, q) for w, q in _template_questions() if w.startswith("bank") and w.endswith("will")
    ]
    assert wills
    for where, question in wills:
        check = check_question(question)
        assert check.forward, (where, question)
        assert check.ownership, (where, question)


def test_every_expectation_topic_has_its_words() -> None:
    topics = prompts.load("reframe/triage")["expectation"]
    notes = prompts.load("reframe/notes")["expectation"]
    assert set(topics) == set(notes)
    for words in notes.values():
        assert words["say"] and words["question"] and words["focus"]


def test_every_note_is_free_of_judgement() -> None:
    notes = prompts.load("reframe/notes")
    texts = list(notes["note"].values()) + [t["say"] for t in notes["expectation"].values()]
    for text in texts:
        assert not check_reframe([], None, kind="too_vague", note=text).hard_problems(), text


@pytest.mark.slow  # starts a process
def test_the_reframer_imports_nothing_from_slack_openai_or_sqlmodel() -> None:
    code = (
        "import sys; import bot.domain.reframing, bot.domain.quality; "
        "bad = [m for m in ('slack_sdk', 'slack_bolt', 'openai', 'sqlmodel', 'sqlalchemy') "
        "if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_package_has_no_import_cycle() -> None:
    """Each step imports only the steps before it: quality.py re-exports, one way."""
    root = Path(__file__).resolve().parents[2] / "bot" / "domain" / "reframing"
    order = [
        "competencies", "result", "phrases", "links", "scoring", "perspective", "cleaning",
        "language",
        "inflection",
        "evidence", "situation", "extraction", "triage", "stated_rule", "composition", "evaluation",
    ]  # fmt: skip
    for position, module in enumerate(order):
        source = (root / f"{module}.py").read_text(encoding="utf-8")
        imported = set(re.findall(r"from bot\.domain\.reframing(?:\.(\w+))? import", source))
        imported |= set(re.findall(r"from bot\.domain\.reframing import (\w+)", source))
        for name in imported - {""}:
            assert name in order[:position], (module, "imports", name)


# --- the evaluation set --------------------------------------------------------------------


def test_the_evaluation_set_is_large_varied_and_correctly_labelled() -> None:
    cases = _eval_cases()
    assert len(cases) >= 270
    assert {c.kind for c in cases} == set(KINDS)
    assert {c.competency for c in cases} == {*COMPETENCIES, None}
    assert sum(1 for c in cases if c.situation) >= 100
    assert sum(1 for c in cases if "<@U" in c.text) >= 10
    assert sum(1 for c in cases if len(c.text) < 25) >= 10
    assert sum(1 for c in cases if len(c.text) > 200) >= 2
    for case in cases:
        assert case.kind in KINDS, case.text
        assert all(k == k.lower() for k in case.behaviour), case.text


# What the rules engine reaches over the whole set, per kind, minus a small margin. The
# set's second and third parts (cases 344–613) were written by people who had not seen the
# engine; the engine was then tuned on them too, so these are floors against regressions,
# not the figures on messages it was never tuned on (those are in the README). Kind
# and competency are shares of cases; relevant is the share of cases with key words whose
# questions carry one; situation the share of cases naming one whose questions carry it.
FLOORS = {
    # kind:            (kind, competency, relevant, situation)
    "coaching": (0.96, 0.94, 0.78, 0.84),
    "praise": (0.94, 0.81, 0.61, 0.85),
    "mixed": (0.97, 0.93, 0.83, 0.88),
    "results": (0.93, 0.91, 0.95, 0.00),
    "expectation": (0.94, 0.95, 0.48, 0.58),
    "team_selling": (0.97, 0.85, 0.71, 0.82),
    "already_coaching": (0.93, 0.80, 0.95, 0.95),
    "too_vague": (0.89, 0.90, 0.00, 0.95),
    "other_language": (0.95, 0.95, 0.00, 0.00),
}


@pytest.mark.parametrize("kind", KINDS)
def test_the_rules_reframer_meets_its_floors_per_kind(kind: str) -> None:
    evaluation = evaluate(_eval_cases(), reframe_with_rules)
    results = evaluation.select(kind=kind)
    assert results, kind
    scores = evaluation.scores(results=results)
    kind_floor, competency_floor, relevant_floor, situation_floor = FLOORS[kind]
    competency = scores["competency"] if any(r.case.competency for r in results) else 1.0
    competency = min(competency, scores["none"])
    assert scores["kind"] >= kind_floor, scores
    assert competency >= competency_floor, scores
    assert scores["relevant"] >= relevant_floor, scores
    assert scores["situation_carried"] >= situation_floor, scores
    assert scores["open_and_non_judging"] == 1.0
    assert scores["passes"] == 1.0


def test_the_rules_reframer_meets_the_overall_thresholds() -> None:
    evaluation = evaluate(_eval_cases(), reframe_with_rules)
    assert evaluation.shortfalls() == {}, evaluation.scores()


# --- pieces of the message that read whole ---------------------------------------------------


def test_words_in_single_quotes_are_the_buyers_words_when_the_buyer_said_them() -> None:
    reframe = reframe_with_rules("when Ines said 'we're happy with what we have' you just moved on")

    assert '"we\'re happy with what we have"' in " ".join(reframe.questions)


def test_the_reps_own_words_are_never_credited_to_the_buyer() -> None:
    text = 'you keep saying Fairholme closes "this quarter" but you couldn\'t tell me why'
    joined = _joined(reframe_with_rules(text))

    assert 'fairholme said "this quarter"' not in joined
    assert 'they said "this quarter"' not in joined


def test_an_account_answers_as_itself_not_as_in_your_conversations_with() -> None:
    reframe = reframe_with_rules("you said ok no worries and hung up on Lindqvist Marine")

    assert "in your conversations with" not in _joined(reframe)
    assert carries_situation(reframe.questions, "Lindqvist Marine")


def test_a_meeting_still_to_come_is_where_to_try_it_not_what_happened() -> None:
    text = "next week's QBR w/ Sablewood — last time you read the deck out loud slide by slide"
    joined = _joined(reframe_with_rules(text))

    assert "next week's qbr" in joined
    assert "react in next week's" not in joined and "respond in next week's" not in joined


@pytest.mark.parametrize(
    ("text", "garble"),
    [
        ("you didn't ask when the grant gets decided, that's the whole timeline", "gets decides"),
        (
            "they asked for a 3 yr price lock and you gave them a 3 yr price lock AND 10% off",
            "3 your",
        ),
        ("nobody has met the EB on Norrland. who signs? do we even know?", "help you do we"),
        ("you asked 12 questions and 10 were yes/no on the Arbor call", "yes no"),
        ("have 2-3 questions ready for her specifically next time", "2 3 questions"),
        ("you kept going with your script when she said they're short staffed", "were going"),
        ("you then spent 20 min on features she doesn't care about", "doesn't care?"),
        ("you're cold calling 400-person companies when our ICP is 2k+", "when our icp"),
    ],
)
def test_no_question_carries_a_garbled_piece_of_the_message(text: str, garble: str) -> None:
    assert garble not in _joined(reframe_with_rules(text))


def test_a_change_in_a_number_is_not_told_as_its_level() -> None:
    reframe = reframe_with_rules("ur dials are down 40% week over week")

    assert reframe.kind == "results"
    assert "at 40%" not in _joined(reframe)


def test_late_to_a_customer_call_is_not_about_team_meetings() -> None:
    reframe = reframe_with_rules(
        "you were 15 min late to the Brasswick call AGAIN. the customer waited"
    )

    assert reframe.kind == "expectation"
    assert reframe.note is not None and "customer calls" in reframe.note
    assert "team meetings" not in reframe.note + reframe.focus
