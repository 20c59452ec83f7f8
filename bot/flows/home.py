"""The App Home: a manager's team board, a rep's focus page, or how to start; both if both."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError

from bot.blocks.home import build_home
from bot.domain.home import HomeData
from bot.flows.goals import goals_overview
from bot.flows.insights import insights_for
from bot.flows.plans import team_plan
from bot.services import Services
from storage.db import session_scope
from storage.pairings import active_pairing_for_rep

logger = logging.getLogger(__name__)


def home_for(services: Services, *, team_id: str, user_id: str) -> HomeData:
    plan = team_plan(services, team_id=team_id, manager_id=user_id)
    overview = goals_overview(services, team_id=team_id, rep_id=user_id)
    with session_scope(services.engine) as session:
        is_rep = active_pairing_for_rep(session=session, team_id=team_id, rep_id=user_id)
    has_goals = overview.active is not None or bool(overview.history)
    leading = insights_for(services, team_id=team_id, leader_id=user_id)
    return HomeData(
        team=plan if plan.reps else None,
        focus=overview if (is_rep is not None or has_goals) else None,
        leading=leading if leading.managers else None,
    )


def publish_home(services: Services, *, team_id: str, user_id: str) -> None:
    """Show someone their App Home as it is now; Slack refusing it is only logged."""
    view = build_home(home_for(services, team_id=team_id, user_id=user_id))
    try:
        services.slack_for(team_id).views_publish(user_id=user_id, view=view)
    except SlackApiError as error:
        logger.warning("could not publish the App Home (%s)", error.response.get("error"))


def refresh_home(services: Services, *, team_id: str, user_id: str) -> None:
    """Refresh a Home after a change that already happened: a database that stops answering
    now must not turn the person's success into a "try again", so it is only logged."""
    try:
        publish_home(services, team_id=team_id, user_id=user_id)
    except SQLAlchemyError as error:
        logger.warning("could not refresh the App Home (%s)", type(error).__name__)
