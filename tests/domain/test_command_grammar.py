"""The ``/coach`` grammar: every form in the product's table, as Slack actually sends it.

Slack (with escaping on) sends people as ``<@U123|name>`` or ``<@U123>`` and channels as
``<#C123|name>``; whatever else a person types must come back as help or as a usage
problem that names a message in ``prompts/usage.toml``, never as an exception.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

import prompts
from bot.domain import command_grammar as grammar
from bot.domain.cadence import (
    MAX_EVERY,
    CadenceError,
    DateError,
    describe_cadence,
    parse_cadence,
    parse_iso_date,
)
from bot.domain.command_grammar import (
    Digest,
    ForgetMe,
    GoalForSomeoneElse,
    Goals,
    Help,
    Log,
    Pause,
    Plan,
    Reframe,
    Resume,
    SetGoal,
    TeamAdd,
    TeamLeave,
    TeamList,
    TeamRemove,
    Usage,
    parse,
)
from bot.domain.dates import parse_day, parse_day_ahead

BOB = "<@U0BOB|bob>"  # as Slack sends a mention picked from the @ menu
BARE = "<@U0BOB>"  # as Slack sends it when it has no name to hand

user_ids = st.from_regex(r"[UW][A-Z0-9]{1,11}", fullmatch=True)
channel_ids = st.from_regex(r"[CG][A-Z0-9]{1,11}", fullmatch=True)
handles = st.text(
    st.characters(exclude_characters=">|", exclude_categories=("Z", "C")), max_size=20
)
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


def usage_key(problem: Usage) -> str:
    """The prompts key the /coach listener shows for a usage problem."""
    return f"{problem.subcommand.replace(' ', '_')}.{problem.problem}"


# Every form in the grammar table


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("", Help()),
        ("help", Help()),
        ("team", TeamList()),
        (f"team add {BOB}", TeamAdd(rep_id="U0BOB", cadence="weekly")),
        (f"team add {BOB} weekly", TeamAdd(rep_id="U0BOB", cadence="weekly")),
        (f"team add {BOB} biweekly", TeamAdd(rep_id="U0BOB", cadence="biweekly")),
        (f"team add {BOB} monthly", TeamAdd(rep_id="U0BOB", cadence="monthly")),
        (f"team add {BOB} every 3 days", TeamAdd(rep_id="U0BOB", cadence="every 3 days")),
        (f"team add {BOB} every 2 weeks", TeamAdd(rep_id="U0BOB", cadence="every 2 weeks")),
        (f"team remove {BOB}", TeamRemove(rep_id="U0BOB")),
        ("team leave", TeamLeave()),
        (f"log {BOB}", Log(rep_id="U0BOB", held_on=None)),
        (f"log {BOB} 2026-03-14", Log(rep_id="U0BOB", held_on="2026-03-14")),
        ("plan", Plan(rep_id=None)),
        (f"plan {BOB}", Plan(rep_id="U0BOB")),
        ("goal", SetGoal(text="")),
        (
            "goal Ask three discovery questions before every demo",
            SetGoal(text="Ask three discovery questions before every demo"),
        ),
        ("goals", Goals()),
        ("reframe you talked too much", Reframe(text="you talked too much")),
        ("digest <#C0LEADS|sales-leads>", Digest(channel_id="C0LEADS")),
        ("digest off", Digest(channel_id=None)),
        (f"pause {BOB} until 2026-03-10", Pause(rep_id="U0BOB", until="2026-03-10")),
        ("pause me until 2026-03-10", Pause(rep_id=None, until="2026-03-10")),
        (f"resume {BOB}", Resume(rep_id="U0BOB")),
        ("resume me", Resume(rep_id=None)),
        ("forget me", ForgetMe()),
    ],
)
def test_every_form_in_the_grammar_table_is_understood(text: str, command: object) -> None:
    assert parse(text) == command


@pytest.mark.parametrize(
    ("text", "command"),
    [
        (f"team add {BARE} every 2 weeks", TeamAdd(rep_id="U0BOB", cadence="every 2 weeks")),
        (f"team remove {BARE}", TeamRemove(rep_id="U0BOB")),
        (f"log {BARE} 2026-03-14", Log(rep_id="U0BOB", held_on="2026-03-14")),
        (f"plan {BARE}", Plan(rep_id="U0BOB")),
        (f"pause {BARE} until 2026-03-10", Pause(rep_id="U0BOB", until="2026-03-10")),
        (f"resume {BARE}", Resume(rep_id="U0BOB")),
        ("digest <#C0LEADS>", Digest(channel_id="C0LEADS")),
    ],
)
def test_mentions_without_a_name_are_understood(text: str, command: object) -> None:
    assert parse(text) == command


def test_enterprise_grid_users_and_private_channels_are_understood() -> None:
    assert parse("team add <@W0GRID|ann>") == TeamAdd(rep_id="W0GRID", cadence="weekly")
    assert parse("digest <#G0PRIVATE|leads>") == Digest(channel_id="G0PRIVATE")


def test_a_channel_slack_sends_with_an_empty_name_is_understood() -> None:
    assert parse("digest <#C0LEADS|>") == Digest(channel_id="C0LEADS")


def test_subcommands_and_their_keywords_ignore_case() -> None:
    assert parse(f"TEAM Add {BOB} Every 2 Weeks") == TeamAdd("U0BOB", "Every 2 Weeks")
    assert parse(f"Pause {BOB} UNTIL 2026-03-10") == Pause("U0BOB", "2026-03-10")
    assert parse("pause ME until 2026-03-10") == Pause(None, "2026-03-10")
    assert parse("Digest OFF") == Digest(channel_id=None)
    assert parse("Forget Me") == ForgetMe()
    assert parse("GOALS") == Goals()


def test_spaces_pasted_from_a_document_do_not_matter() -> None:
    text = f"\u00a0team\u00a0 add  {BOB}\tevery\u00a02   weeks \n"
    assert parse(text) == TeamAdd(rep_id="U0BOB", cadence="every 2 weeks")


def test_a_goal_addressed_to_a_rep_is_recognised_as_not_the_managers_to_set() -> None:
    assert parse(f"goal {BOB} ask more questions") == GoalForSomeoneElse(rep_id="U0BOB")
    assert parse(f"goal {BOB}: ask more questions") == GoalForSomeoneElse(rep_id="U0BOB")
    assert parse(f"goal {BARE}, ask more questions") == GoalForSomeoneElse(rep_id="U0BOB")


def test_a_goal_that_mentions_someone_later_is_the_reps_own_goal() -> None:
    assert parse(f"goal Shadow {BOB} on two demos") == SetGoal(text=f"Shadow {BOB} on two demos")


def test_reframe_keeps_the_feedback_words_including_mentions() -> None:
    assert parse(f"reframe {BOB} rushed the demo") == Reframe(text=f"{BOB} rushed the demo")


def test_help_ignores_what_follows_it() -> None:
    assert parse("help team") == Help()


def test_an_unknown_word_is_named_back_in_the_help() -> None:
    assert parse("teams") == Help(unknown="teams")
    assert parse("Hello there") == Help(unknown="Hello")
    assert parse(f"{BOB} weekly") == Help(unknown=BOB)


# Wrong shapes: the right subcommand's usage message


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("team add", "team_add.need_rep"),
        ("team add @bob weekly", "team_add.need_rep"),  # typed, not picked from the @ menu
        ("team add weekly", "team_add.need_rep"),
        ("team remove", "team_remove.need_rep"),
        (f"team remove {BOB} now", "team_remove.need_rep"),
        ("team leave now", "team_leave.no_arguments"),
        ("team sack bob", "team.unknown_action"),
        ("log", "log.need_rep"),
        ("log 2026-03-14", "log.need_rep"),
        (f"log {BOB} on a sunny day in the spring", "log.need_rep"),
        ("plan everyone", "plan.need_rep"),
        (f"plan {BOB} <@U0ANN>", "plan.need_rep"),
        ("goals mine", "goals.no_arguments"),
        ("reframe", "reframe.need_text"),
        ("digest", "digest.need_channel"),
        ("digest #sales-leads", "digest.need_channel"),
        ("digest <#C0LEADS|leads> <#C0MORE|more>", "digest.need_channel"),
        ("digest off please", "digest.need_channel"),
        ("pause", "pause.shape"),
        (f"pause {BOB}", "pause.shape"),
        (f"pause {BOB} for 2 weeks", "pause.shape"),
        ("pause until 2026-03-10", "pause.shape"),
        ("pause bob until 2026-03-10", "pause.shape"),
        (f"pause {BOB} until the end of the month please", "pause.shape"),
        ("resume", "resume.shape"),
        ("resume everyone", "resume.shape"),
        (f"resume {BOB} me", "resume.shape"),
        ("forget", "forget.shape"),
        (f"forget {BOB}", "forget.shape"),
        ("forget me now", "forget.shape"),
    ],
)
def test_a_wrong_shape_gets_that_subcommands_usage_message(text: str, key: str) -> None:
    parsed = parse(text)
    assert isinstance(parsed, Usage)
    assert usage_key(parsed) == key
    assert prompts.text("usage", key)


def test_the_usage_problem_echoes_what_was_typed() -> None:
    assert parse("team sack bob") == Usage("team", "unknown_action", "sack")
    assert parse("plan everyone") == Usage("plan", "need_rep", "everyone")


def test_mentions_typed_by_hand_or_malformed_are_not_taken_for_people() -> None:
    for token in ("@bob", "<@bob>", "<@u0bob>", "<@U0BOB", "<#C0LEADS>", "<@B0BOT>", "<@U>"):
        assert grammar.user_id_of(token) is None, token


# Raw values the grammar hands on: cadences and dates


@pytest.mark.parametrize(
    ("words", "days"),
    [
        ("", 7),
        ("weekly", 7),
        ("biweekly", 14),
        ("monthly", 30),
        ("every 3 days", 3),
        ("every 2 weeks", 14),
        ("Every  90  Weeks", 630),
    ],
)
def test_the_cadence_a_manager_types_becomes_that_many_days(words: str, days: int) -> None:
    parsed = parse(f"team add {BOB} {words}")
    assert isinstance(parsed, TeamAdd)
    assert parse_cadence(parsed.cadence) == days


@pytest.mark.parametrize(
    ("words", "hint"),
    [
        ("hourly", "unknown"),
        ("every two weeks", "unknown"),
        ("every 2 months", "unknown"),
        (BARE, "unknown"),
        ("every 0 days", "out_of_range"),
        (f"every {MAX_EVERY + 1} weeks", "out_of_range"),
    ],
)
def test_a_cadence_outside_the_grammar_is_refused_with_a_reason(words: str, hint: str) -> None:
    parsed = parse(f"team add {BOB} {words}")
    assert isinstance(parsed, TeamAdd)
    with pytest.raises(CadenceError) as caught:
        parse_cadence(parsed.cadence)
    assert caught.value.hint == hint


@st.composite
def storable_cadences(draw: st.DrawFn) -> int:
    """Every cadence ``parse_cadence`` can produce: 1–90 days, or 1–90 whole weeks."""
    count = draw(st.integers(1, MAX_EVERY))
    return count * draw(st.sampled_from([1, 7]))


@given(user_ids, storable_cadences())
def test_any_cadence_coach_shows_can_be_typed_back(rep: str, days: int) -> None:
    parsed = parse(f"team add <@{rep}> {describe_cadence(days)}")
    assert isinstance(parsed, TeamAdd)
    assert parsed.rep_id == rep
    assert parse_cadence(parsed.cadence) == days


@given(
    st.integers(1, MAX_EVERY),
    st.sampled_from(["day", "days", "week", "weeks"]),
    st.lists(st.sampled_from([" ", "  ", "\u00a0", "\t"]), min_size=2, max_size=2),
    st.booleans(),
)
def test_every_n_days_or_weeks_is_read_in_any_case_and_spacing(
    count: int, unit: str, gaps: list[str], shout: bool
) -> None:
    words = f"every{gaps[0]}{count}{gaps[1]}{unit}"
    parsed = parse(f"team add {BOB} {words.upper() if shout else words}")
    assert isinstance(parsed, TeamAdd)
    assert parse_cadence(parsed.cadence) == count * (7 if unit.startswith("week") else 1)


@given(dates)
def test_a_1_1_date_reaches_the_log_as_typed(day: date) -> None:
    parsed = parse(f"log {BOB} {day.isoformat()}")
    assert isinstance(parsed, Log)
    assert parse_iso_date(parsed.held_on or "") == day


@given(dates, st.one_of(user_ids.map(lambda u: f"<@{u}>"), st.just("me")))
def test_a_pause_date_reaches_the_pause_as_typed(day: date, target: str) -> None:
    parsed = parse(f"pause {target} until {day.isoformat()}")
    assert isinstance(parsed, Pause)
    assert parse_iso_date(parsed.until) == day


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        (f"log {BOB} 14-03-2026", "format"),
        (f"log {BOB} 2026-03-14 again", "format"),
        (f"log {BOB} next tuesday", "format"),
        (f"log {BOB} 2026-3-14", "format"),
        (f"log {BOB} 2026-02-30", "impossible"),
        (f"pause {BOB} until 2027-02-29", "impossible"),
        ("pause me until next-week", "format"),
        (f"pause {BOB} until 2026-03-10 please", "format"),
    ],
)
def test_a_date_that_is_not_on_the_calendar_or_not_iso_is_refused_with_a_reason(
    text: str, hint: str
) -> None:
    parsed = parse(text)
    assert isinstance(parsed, Log | Pause)
    with pytest.raises(DateError) as caught:
        if isinstance(parsed, Log):  # a 1:1's day is read in people's words
            parse_day(parsed.held_on or "", date(2026, 12, 3))
        else:  # a pause's end looks ahead
            parse_day_ahead(parsed.until, date(2026, 12, 3))
    assert caught.value.hint == hint


def test_a_1_1_day_in_several_words_reaches_the_log_whole() -> None:
    assert parse(f"log {BOB} last thursday") == Log(rep_id="U0BOB", held_on="last thursday")
    assert parse(f"log {BOB} 3 days ago") == Log(rep_id="U0BOB", held_on="3 days ago")


# Properties over any text


@given(st.text())
def test_any_text_gets_an_answer_never_an_error(text: str) -> None:
    assert isinstance(parse(text), grammar.Command)


@given(st.sampled_from(grammar.SUBCOMMANDS), st.text())
def test_every_usage_problem_has_a_message_to_show(subcommand: str, rest: str) -> None:
    parsed = parse(f"{subcommand} {rest}")
    if isinstance(parsed, Usage):
        assert prompts.text("usage", usage_key(parsed))


@given(user_ids, handles)
def test_any_picked_person_is_read_with_or_without_their_name(rep: str, name: str) -> None:
    for mention in (f"<@{rep}|{name}>", f"<@{rep}>"):
        assert parse(f"team remove {mention}") == TeamRemove(rep_id=rep)
        assert parse(f"resume {mention}") == Resume(rep_id=rep)


@given(channel_ids, handles)
def test_any_picked_channel_is_read_with_or_without_its_name(channel: str, name: str) -> None:
    for mention in (f"<#{channel}|{name}>", f"<#{channel}>"):
        assert parse(f"digest {mention}") == Digest(channel_id=channel)


@given(st.lists(st.text(st.characters(exclude_categories=("Z", "C")), min_size=1), max_size=6))
def test_extra_spacing_between_words_never_changes_the_meaning(words: list[str]) -> None:
    assert parse(" ".join(words)) == parse("\u00a0 \t".join(words))
