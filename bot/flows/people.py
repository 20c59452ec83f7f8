"""Who someone is, as far as Coach needs: time zone, whether they are out, whether real.

users.info answers are cached in the database for an hour, so a sweep over many
pairings asks Slack about each person at most once an hour, from any process.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from slack_sdk.errors import SlackApiError

from bot.domain.presence import is_out_of_office
from bot.flows.delivery import SweepAborted
from bot.services import Services
from bot.slack_client import TOKEN_REFUSED, USER_NOT_FOUND
from storage.db import session_scope
from storage.models import SlackUser
from storage.people import cached_people, save_person

logger = logging.getLogger(__name__)

PERSON_TTL = timedelta(hours=1)
# users.info calls in flight at once when a sweep meets many people it has not cached.
LOOKUP_THREADS = 4


@dataclass(frozen=True)
class Person:
    user_id: str
    exists: bool
    timezone: str | None = None
    display_name: str | None = None
    is_out: bool = False
    is_deleted: bool = False
    is_bot: bool = False
    locale: str | None = None  # Slack's, such as "en-GB": the order they write dates in

    @property
    def reachable(self) -> bool:
        """Someone Coach can pair, nudge or DM: a real, active human."""
        return self.exists and not self.is_deleted and not self.is_bot


def look_up_people(
    services: Services, team_id: str, user_ids: Iterable[str], *, in_sweep: bool = False
) -> dict[str, Person]:
    """Everyone asked for: fresh from the cache, otherwise from users.info (then cached).

    In a sweep (``in_sweep``) someone Slack could not tell us about right now is left out,
    so the sweep skips them and the next one tries again; a refused bot token stops the
    sweep. Elsewhere a failure propagates, and the person is told to try again.
    """
    wanted = sorted(set(user_ids))
    now = services.clock.now()
    with session_scope(services.engine) as session:
        cached = cached_people(session=session, team_id=team_id, user_ids=wanted)
    people = {
        uid: _from_row(row) for uid, row in cached.items() if now - row.fetched_at < PERSON_TTL
    }
    missing = [user_id for user_id in wanted if user_id not in people]
    if missing:
        people.update(_fetch_all(services, team_id, missing, in_sweep=in_sweep))
    return people


def cached_timezone(services: Services, team_id: str, user_id: str) -> str | None:
    """The time zone last cached for someone, however old, without asking Slack: for the
    few places that must answer before Slack could (a modal's ack). None if never seen."""
    with session_scope(services.engine) as session:
        row = cached_people(session=session, team_id=team_id, user_ids=[user_id]).get(user_id)
    return row.timezone if row is not None else None


def last_known_zones(
    services: Services, team_id: str, user_ids: Iterable[str]
) -> dict[str, str | None]:
    """The time zone last cached for each person who has ever been looked up, however old.

    A sweep that runs every half hour asks this first, to find whose hour it is without
    calling Slack (zones rarely change); only those it is due to write to are looked up
    fresh. Someone never looked up is absent, so the caller looks them up.
    """
    with session_scope(services.engine) as session:
        cached = cached_people(session=session, team_id=team_id, user_ids=user_ids)
    return {user_id: row.timezone for user_id, row in cached.items()}


def look_up_person(services: Services, team_id: str, user_id: str) -> Person:
    return look_up_people(services, team_id, [user_id])[user_id]


def _fetch_all(
    services: Services, team_id: str, user_ids: list[str], *, in_sweep: bool
) -> dict[str, Person]:
    """users.info for each, a few at a time, then one transaction to cache them all."""
    now = services.clock.now()
    fetch = partial(_fetch_tolerantly if in_sweep else _fetch, services, team_id, now=now)
    if len(user_ids) == 1:
        results = [fetch(user_ids[0])]
    else:
        with ThreadPoolExecutor(max_workers=LOOKUP_THREADS) as pool:
            results = list(pool.map(fetch, user_ids))
    fetched = [person for person in results if person is not None]
    with session_scope(services.engine) as session:
        for person in fetched:
            if person.exists:
                save_person(
                    session=session,
                    team_id=team_id,
                    user_id=person.user_id,
                    display_name=person.display_name,
                    timezone=person.timezone,
                    is_out=person.is_out,
                    is_deleted=person.is_deleted,
                    is_bot=person.is_bot,
                    now=now,
                    locale=person.locale,
                )
    return {person.user_id: person for person in fetched}


def is_workspace_admin(services: Services, team_id: str, user_id: str) -> bool:
    """Whether Slack says, right now, that this person administers or owns the workspace.
    Asked afresh every time (never from the cache): it grants power over other people."""
    try:
        user = services.slack_for(team_id).users_info(user=user_id)["user"]
    except SlackApiError as error:
        if error.response.get("error") == USER_NOT_FOUND:
            return False
        raise
    same_team = user.get("team_id") in (None, team_id)
    return (
        same_team and not user.get("deleted") and bool(user.get("is_admin") or user.get("is_owner"))
    )


def _fetch_tolerantly(
    services: Services, team_id: str, user_id: str, *, now: datetime
) -> Person | None:
    try:
        return _fetch(services, team_id, user_id, now=now)
    except SlackApiError as error:
        reason = str(error.response.get("error") or "unknown_error")
        if reason in TOKEN_REFUSED:
            raise SweepAborted(reason) from None
        logger.warning("users.info failed (%s); skipping this person until next sweep", reason)
    except OSError as error:
        logger.warning("users.info failed (%s); skipping until next sweep", type(error).__name__)
    return None


def _fetch(services: Services, team_id: str, user_id: str, *, now: datetime) -> Person:
    try:
        user = services.slack_for(team_id).users_info(user=user_id, include_locale=True)["user"]
    except SlackApiError as error:
        if error.response.get("error") == USER_NOT_FOUND:
            return Person(user_id=user_id, exists=False)
        raise
    profile = user.get("profile") or {}
    person = Person(
        user_id=user_id,
        exists=True,
        timezone=user.get("tz"),
        display_name=profile.get("display_name") or user.get("real_name") or user.get("name"),
        is_out=is_out_of_office(
            profile.get("status_text") or "",
            profile.get("status_emoji") or "",
            int(profile.get("status_expiration") or 0),
            now,
        ),
        is_deleted=bool(user.get("deleted")),
        is_bot=bool(user.get("is_bot")) or user_id == "USLACKBOT",
        locale=user.get("locale"),
    )
    return person


def _from_row(row: SlackUser) -> Person:
    return Person(
        user_id=row.user_id,
        exists=True,
        timezone=row.timezone,
        display_name=row.display_name,
        is_out=row.is_out,
        is_deleted=row.is_deleted,
        is_bot=row.is_bot,
        locale=row.locale,
    )
