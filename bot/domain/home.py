"""What someone's App Home shows: the board of the reps they coach, their own focus, or both."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.goals import GoalsOverview
from bot.domain.insights import LeaderInsights
from bot.domain.plans import TeamPlan


@dataclass(frozen=True)
class HomeData:
    team: TeamPlan | None  # None: coaches nobody
    focus: GoalsOverview | None  # None: neither paired as a rep nor has any goal
    # The managers below someone who leads managers (None: leads nobody).
    leading: LeaderInsights | None = None
