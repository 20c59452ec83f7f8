"""``/coach plan`` as Block Kit: a page of reps, each a section and a row of buttons.

Twelve reps a page keeps a message well inside Block Kit's 50-block cap (two blocks a rep)
so a manager with 40 reps pages through instead of losing the end of the list.
"""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block, DividerBlock

import prompts
from bot import slack_ids as ids
from bot.blocks.escape import escape_mrkdwn
from bot.blocks.parts import button, context, section
from bot.blocks.replies import Notice, notice_of
from bot.blocks.team import describe_status
from bot.domain.cadence import format_day, week_start
from bot.domain.plans import CheckInFacts, PauseNote, RepAgenda, RepPlan, TeamPlan
from bot.domain.reframing import competency_label

PAGE_SIZE = 12
NOTE_LIMIT = 200


def build_plan_page(plan: TeamPlan, page: int = 0) -> Notice:
    if not plan.reps:
        return notice_of(prompts.text("plans", "empty"))
    pages = (len(plan.reps) + PAGE_SIZE - 1) // PAGE_SIZE
    page = min(max(page, 0), pages - 1)
    shown = plan.reps[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    week = format_day(week_start(plan.today))
    heading = prompts.plural("plans", "heading", len(plan.reps), week=week)
    blocks: list[Block] = [section(heading), context(streak_text(plan))]
    for rep in shown:
        blocks.extend([DividerBlock(), *_rep_blocks(rep)])
    if pages > 1:
        blocks.extend(_pager(page, pages, len(plan.reps)))
    return Notice(text=heading, blocks=blocks)


def streak_text(plan: TeamPlan) -> str:
    """The streak line. While a 1:1 is overdue today it is not shown as kept (the plan
    would contradict itself one line below): it waits on the catch-up instead."""
    if not plan.streak:
        return prompts.text("plans", "no_streak")
    behind = plan.overdue_now
    if behind:
        reps = ", ".join(f"<@{rep}>" for rep in behind)
        return prompts.plural("plans", "streak_at_risk", plan.streak, reps=reps)
    return prompts.plural("plans", "streak", plan.streak)


def build_rep_agenda(agenda: RepAgenda) -> Notice:
    plan = agenda.plan
    rep = plan.facts.rep_id
    marker = f" ({prompts.text('calendar', 'from_calendar')})"
    dates = ", ".join(
        format_day(d) + (marker if d in agenda.from_calendar else "")
        for d in agenda.recent_one_on_ones
    )
    held = (
        prompts.text("plans", "full.recent_one_on_ones", dates=dates)
        if dates
        else prompts.text("plans", "full.no_one_on_ones")
    )
    sections = [
        prompts.text("plans", "full.heading", rep=rep),
        _summary(plan, latest_check_in=False),
        held,
    ]
    if agenda.pauses:
        lines = "\n".join(f"• {_pause_text(p)}" for p in agenda.pauses)
        sections.append(prompts.text("plans", "full.pauses", lines=lines))
    if agenda.recent_check_ins:
        lines = "\n".join(f"• {_check_in_text(c)}" for c in agenda.recent_check_ins)
        sections.append(prompts.text("plans", "full.recent_check_ins", lines=lines))
    if plan.facts.agenda:
        items = "\n".join(
            f"• _{escape_mrkdwn(item.focus)}_\n"
            + "\n".join(f"    ◦ {escape_mrkdwn(q)}" for q in item.questions)
            for item in plan.facts.agenda
        )
        sections.append(prompts.text("plans", "full.agenda_items", items=items))
    else:
        sections.append(prompts.text("plans", "full.no_agenda_items"))
    sections.extend(_coaching(plan))
    blocks: list[Block] = [section(text[:2900]) for text in sections]
    blocks.append(
        _buttons(plan, log_label=prompts.text("plans", "full.log_button"), with_agenda=False)
    )
    return Notice(text=prompts.text("plans", "full.heading", rep=rep), blocks=blocks)


def _rep_blocks(plan: RepPlan) -> list[Block]:
    text = "\n".join([_summary(plan), *_coaching(plan)])
    return [section(text[:2900]), _buttons(plan)]


def _summary(plan: RepPlan, *, latest_check_in: bool = True) -> str:
    facts = plan.facts
    last = (
        f"last 1:1 {format_day(facts.last_held_on)}"
        if facts.last_held_on
        else prompts.text("team", "never_met")
    )
    if facts.last_held_on and facts.calendar_held_id is not None:
        last += f" ({prompts.text('calendar', 'from_calendar')})"
    if facts.next_one_on_one:
        last += " · " + prompts.text("calendar", "next_one_on_one", when=facts.next_one_on_one)
    lines = [
        prompts.text(
            "plans", "rep_line", rep=facts.rep_id, status=describe_status(facts.state), last=last
        )
    ]
    if facts.goal is not None:
        measure = (
            prompts.text("plans", "goal_measure", measure=escape_mrkdwn(facts.goal.measure))
            if facts.goal.measure
            else ""
        )
        lines.append(
            prompts.text(
                "plans",
                "goal",
                behaviour=escape_mrkdwn(facts.goal.behaviour),
                competency=competency_label(facts.goal.competency),
                measure=measure,
            )
        )
    else:
        lines.append(prompts.text("plans", "no_goal"))
    # The full agenda lists recent check-ins on their own, so it skips the latest here.
    if latest_check_in and facts.latest_check_in is not None:
        check_in = facts.latest_check_in
        lines.append(
            prompts.text(
                "plans",
                "check_in",
                date=format_day(check_in.on),
                status=prompts.text("goals", f"status.{check_in.status}"),
                note=_note(check_in),
            )
        )
    elif latest_check_in and facts.goal is not None:
        lines.append(prompts.text("plans", "no_check_in"))
    if facts.agenda:
        lines.append(
            prompts.plural(
                "plans", "agenda", len(facts.agenda), focus=escape_mrkdwn(facts.agenda[0].focus)
            )
        )
    return "\n".join(lines)


def _coaching(plan: RepPlan) -> list[str]:
    questions = "\n".join(f"• {q}" for q in plan.questions)
    lines = [prompts.text("plans", "questions", questions=questions)]
    if plan.observe and plan.facts.goal is not None and plan.field_day_due:
        behaviour = escape_mrkdwn(plan.facts.goal.behaviour)
        lines.append(
            prompts.text("plans", "field_day_due", rep=plan.facts.rep_id, behaviour=behaviour)
        )
    elif plan.observe and plan.facts.goal is not None:
        behaviour = escape_mrkdwn(plan.facts.goal.behaviour)
        lines.append(prompts.text("plans", "observe", rep=plan.facts.rep_id, behaviour=behaviour))
        if plan.facts.last_field_day is not None:
            last = format_day(plan.facts.last_field_day)
            lines.append(prompts.text("plans", "field_day_last", date=last))
    else:
        lines.append(prompts.text("plans", "observe_no_goal", rep=plan.facts.rep_id))
    return lines


def _buttons(
    plan: RepPlan, *, log_label: str | None = None, with_agenda: bool = True
) -> ActionsBlock:
    value = str(plan.facts.pairing_id)
    elements = [
        button(
            log_label or prompts.text("plans", "log_button"),
            ids.ACTION_PLAN_LOG,
            value,
            style="primary",
        ),
        button(prompts.text("plans", "prep_button"), ids.ACTION_PLAN_PREP, value),
    ]
    if with_agenda:
        elements.append(
            button(prompts.text("plans", "agenda_button"), ids.ACTION_PLAN_AGENDA, value)
        )
    if plan.facts.calendar_held_id is not None:
        held = str(plan.facts.calendar_held_id)
        elements.append(
            button(prompts.text("calendar", "undo_button"), ids.ACTION_CALENDAR_UNDO, held)
        )
    return ActionsBlock(block_id=f"plan:{plan.facts.pairing_id}", elements=elements)


def _pager(page: int, pages: int, count: int) -> list[Block]:
    first, last = page * PAGE_SIZE + 1, min((page + 1) * PAGE_SIZE, count)
    buttons = []
    if page > 0:
        buttons.append(
            button(
                prompts.text("plans", "previous_page"),
                f"{ids.ACTION_PLAN_PAGE}:prev",
                str(page - 1),
            )
        )
    if page < pages - 1:
        buttons.append(
            button(
                prompts.text("plans", "next_page"), f"{ids.ACTION_PLAN_PAGE}:next", str(page + 1)
            )
        )
    text = prompts.text("plans", "page", first=first, last=last, count=count)
    return [
        DividerBlock(),
        context(text),
        ActionsBlock(block_id="plan:pages", elements=buttons),
    ]


def _note(check_in: CheckInFacts) -> str:
    if not check_in.note:
        return ""
    return f": “{escape_mrkdwn(check_in.note[:NOTE_LIMIT])}”"


def _pause_text(pause: PauseNote) -> str:
    if pause.by_status:
        why = prompts.text("plans", "full.pause_status")
    elif pause.managers_own:
        why = prompts.text("plans", "full.pause_manager")
    else:
        why = prompts.text("plans", "full.pause_rep")
    if pause.ends_on is None:
        return prompts.text("plans", "full.pause_open", start=format_day(pause.starts_on), why=why)
    return prompts.text(
        "plans",
        "full.pause_line",
        start=format_day(pause.starts_on),
        end=format_day(pause.ends_on),
        why=why,
    )


def _check_in_text(check_in: CheckInFacts) -> str:
    status = prompts.text("goals", f"status.{check_in.status}")
    return f"{format_day(check_in.on)}: {status}{_note(check_in)}"
