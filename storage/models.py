"""Every table Coach keeps, as plain SQLModel classes.

Each row carries ``team_id`` so that no query can forget which workspace it serves, and
indexes follow the sweeps: "active pairings of a team", "1:1s of a pairing, newest first",
"the active goal of a rep". Timestamps are stored in UTC and always read back aware.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime

# An id is never handed out twice, even after the row with the highest one is erased:
# ledger keys such as ``goal:<id>`` would otherwise settle a new goal's check-in as sent.
# PostgreSQL sequences never go back; SQLite needs AUTOINCREMENT for the same promise.
NEVER_REUSED = {"sqlite_autoincrement": True}


class Workspace(SQLModel, table=True):
    """A Slack workspace Coach has heard from."""

    __tablename__ = "workspaces"

    team_id: str = Field(primary_key=True, max_length=32)
    name: str | None = Field(default=None, max_length=255)
    timezone: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # Many workspaces: the Enterprise Grid org a workspace belongs to (data stays scoped by
    # team_id), and when Coach was uninstalled from it (its data is erased after a grace
    # period; a reinstall before then clears this and finds everything again).
    enterprise_id: str | None = Field(default=None, max_length=32)
    uninstalled_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )


class SlackUser(SQLModel, table=True):
    """What users.info last said about a person: their time zone and whether they are out.

    A short-lived cache, so that a sweep over many pairings does not ask Slack about the
    same manager again and again.
    """

    __tablename__ = "slack_users"

    team_id: str = Field(primary_key=True, max_length=32)
    user_id: str = Field(primary_key=True, max_length=32)
    display_name: str | None = Field(default=None, max_length=255)
    timezone: str | None = Field(default=None, max_length=64)
    is_out: bool = False
    is_deleted: bool = False
    is_bot: bool = False
    locale: str | None = Field(default=None, max_length=16)  # e.g. en-GB: how they write dates
    # Calendar matching (issue 19): the profile email and real name, as users.info said.
    email: str | None = Field(default=None, max_length=255)
    real_name: str | None = Field(default=None, max_length=255)
    fetched_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Pairing(SQLModel, table=True):
    """A manager coaching a rep, at a cadence in days. Ended pairings are kept as history."""

    __tablename__ = "pairings"
    __table_args__ = (
        # One active manager per rep in a workspace.
        Index(
            "uq_pairings_active_rep",
            "team_id",
            "rep_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
        Index("ix_pairings_team_manager", "team_id", "manager_id"),
        NEVER_REUSED,
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    manager_id: str = Field(max_length=32)
    rep_id: str = Field(max_length=32)
    cadence_days: int
    started_on: date
    # The latest /coach pause's end, kept for the check-in sweep; the cadence reads the
    # whole history in `pauses`.
    paused_until: date | None = None
    snoozed_until: date | None = None
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # When the rep accepted this manager; until then the manager sees only name and cadence.
    accepted_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    ended_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))

    @property
    def active(self) -> bool:
        return self.ended_at is None

    @property
    def accepted(self) -> bool:
        return self.accepted_at is not None


class OneOnOne(SQLModel, table=True):
    """A 1:1 a manager held with a rep, on a date in the manager's time zone."""

    __tablename__ = "one_on_ones"
    __table_args__ = (
        Index("ix_one_on_ones_pairing_held", "team_id", "pairing_id", "held_on"),
        NEVER_REUSED,
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    pairing_id: int = Field(foreign_key="pairings.id", ondelete="CASCADE")
    held_on: date
    logged_by: str = Field(max_length=32)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # manual: /coach log or a button; calendar: read from the manager's calendar feed.
    source: str = Field(
        default="manual", max_length=16, sa_column_kwargs={"server_default": "manual"}
    )


class Goal(SQLModel, table=True):
    """A focus goal a rep chose: one competency, one behaviour. One active per rep."""

    __tablename__ = "goals"
    __table_args__ = (
        Index(
            "uq_goals_active_rep",
            "team_id",
            "rep_id",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
        Index("ix_goals_team_rep_created", "team_id", "rep_id", "created_at"),
        NEVER_REUSED,
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    rep_id: str = Field(max_length=32)
    competency: str = Field(max_length=40)
    behaviour: str = Field(max_length=280)
    measure: str | None = Field(default=None, max_length=280)
    target_date: date | None = None
    status: str = Field(default="active", max_length=16)  # active|achieved|dropped|replaced
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class CheckIn(SQLModel, table=True):
    """A rep's word on how their focus goal is going: a button press or a thread reply."""

    __tablename__ = "check_ins"
    __table_args__ = (
        Index("ix_check_ins_goal_created", "team_id", "goal_id", "created_at"),
        NEVER_REUSED,
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    goal_id: int = Field(foreign_key="goals.id", ondelete="CASCADE")
    rep_id: str = Field(max_length=32)
    status: str = Field(max_length=16)  # on_track|stuck|achieved|note
    note: str | None = None
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class SentMessage(SQLModel, table=True):
    """The ledger behind "sent once": a send is claimed here before Slack is called.

    The unique key (team, kind, subject, period) makes a second claim fail, whichever
    process tries it, so repeated or concurrent sweeps cannot send twice.
    """

    __tablename__ = "sent_messages"
    __table_args__ = (
        UniqueConstraint("team_id", "kind", "subject", "period", name="uq_sent_messages_key"),
        Index("ix_sent_messages_status", "status", "kind"),
        # Finds the check-in a threaded reply answers.
        Index("ix_sent_messages_message", "team_id", "channel_id", "message_ts"),
        NEVER_REUSED,
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    kind: str = Field(max_length=32)  # nudge|checkin|digest|…
    subject: str = Field(max_length=128)  # what it is about: a pairing, goal or channel
    period: str = Field(max_length=64)  # which period: an overdue period, an ISO week
    # claimed|sent|failed|unconfirmed|abandoned
    status: str = Field(default="claimed", max_length=16)
    attempts: int = 0
    channel_id: str | None = Field(default=None, max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
    last_error: str | None = Field(default=None, max_length=255)
    claimed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class ProcessedEvent(SQLModel, table=True):
    """Slack event ids already handled, so a retried delivery changes nothing twice."""

    __tablename__ = "processed_events"

    team_id: str = Field(primary_key=True, max_length=32)
    event_id: str = Field(primary_key=True, max_length=64)
    received_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))


class ManagerSettings(SQLModel, table=True):
    """A manager's own choices: where their team's digest goes, and their own leave."""

    __tablename__ = "manager_settings"

    team_id: str = Field(primary_key=True, max_length=32)
    manager_id: str = Field(primary_key=True, max_length=32)
    digest_channel_id: str | None = Field(default=None, max_length=32)
    paused_until: date | None = None  # the latest "pause me"; the history is in `pauses`
    # When the digest channel was chosen: the first manager to choose a channel sets its hour.
    digest_set_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Pause(SQLModel, table=True):
    """Every time someone was away, kept as history: a ``/coach pause`` (a rep's, or a
    manager's own) or an absence a sweep saw in a Slack status (``source="status"``).

    A rep's pause names its pairing (so it goes with the pairing); a manager's own names
    the manager and no pairing. ``ends_on`` is exclusive, like ``pause … until``; NULL is
    an absence still under way. The cadence restarts from each pause's end.
    """

    __tablename__ = "pauses"
    __table_args__ = (
        Index("ix_pauses_team_pairing", "team_id", "pairing_id"),
        Index("ix_pauses_team_manager", "team_id", "manager_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    pairing_id: int | None = Field(default=None, foreign_key="pairings.id", ondelete="CASCADE")
    manager_id: str | None = Field(default=None, max_length=32)
    starts_on: date
    ends_on: date | None = None
    source: str = Field(default="command", max_length=16)  # command|status
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class AgendaItem(SQLModel, table=True):
    """A coaching prompt a manager saved for their next 1:1 with a rep.

    Only the questions and the focus are kept: the manager's original feedback text is
    never stored.
    """

    __tablename__ = "agenda_items"
    __table_args__ = (
        Index("ix_agenda_items_pairing_open", "team_id", "pairing_id", "covered_at"),
        NEVER_REUSED,
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    pairing_id: int = Field(foreign_key="pairings.id", ondelete="CASCADE")
    competency: str = Field(max_length=40)
    focus: str = Field(max_length=280)
    questions: str  # the questions, one per line
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    covered_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )


# --- Leader insights and field days (issue 18) -------------------------------------------


class FieldDay(SQLModel, table=True):
    """A day a manager spent observing a rep's routine calls for one skill (the rep's focus
    at the time, kept as its competency id: never the goal's words)."""

    __tablename__ = "field_days"
    __table_args__ = (
        Index("ix_field_days_pairing_held", "team_id", "pairing_id", "held_on"),
        NEVER_REUSED,
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    pairing_id: int = Field(foreign_key="pairings.id", ondelete="CASCADE")
    held_on: date
    competency: str | None = Field(default=None, max_length=40)
    logged_by: str = Field(max_length=32)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class ReframeEvent(SQLModel, table=True):
    """That Coach turned one feedback message into questions for a manager, and whether the
    manager then asked them (sent them to the rep or saved them for a 1:1). A count, never
    the text: ``ref`` is a random token the reframe's buttons carry."""

    __tablename__ = "reframe_events"
    __table_args__ = (
        UniqueConstraint("team_id", "ref", name="uq_reframe_events_ref"),
        Index("ix_reframe_events_manager_on", "team_id", "manager_id", "reframed_on"),
        NEVER_REUSED,
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    manager_id: str = Field(max_length=32)
    ref: str = Field(max_length=32)
    reframed_on: date
    asked_on: date | None = None
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


# --- Calendar feeds (issue 19): 1:1s read from a manager's secret iCal address ---------------


class CalendarFeed(SQLModel, table=True):
    """A manager's calendar feed. The address is a bearer secret: only its ciphertext is
    kept (``storage.encryption``), and ``url_hint`` (the host and "…") is what is shown."""

    __tablename__ = "calendar_feeds"

    team_id: str = Field(primary_key=True, max_length=32)
    manager_id: str = Field(primary_key=True, max_length=32)
    url_ciphertext: str
    url_hint: str = Field(max_length=300)
    etag: str | None = Field(default=None, max_length=300)
    last_modified: str | None = Field(default=None, max_length=100)
    # What the stored events were matched against (the pairings and their emails): when it
    # changes, the feed is read whole again rather than answered "not modified".
    matched_for: str | None = Field(default=None, max_length=64)
    fetched_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    read_ok_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    # Why the last read failed (a code such as "timeout"), and when the manager was told.
    failure: str | None = Field(default=None, max_length=32)
    failure_told_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class CalendarEvent(SQLModel, table=True):
    """A matched 1:1 occurrence in a manager's feed window (replaced at every read): only
    the pairing, the series' hash and the times; never the title or the attendees."""

    __tablename__ = "calendar_events"
    __table_args__ = (
        Index("ix_calendar_events_manager", "team_id", "manager_id"),
        Index("ix_calendar_events_pairing_start", "team_id", "pairing_id", "starts_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    manager_id: str = Field(max_length=32)
    pairing_id: int = Field(foreign_key="pairings.id", ondelete="CASCADE")
    series: str = Field(max_length=40)
    matched_by: str = Field(max_length=16)  # attendees|title|choice
    starts_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    ends_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class CalendarSeries(SQLModel, table=True):
    """A series the manager was asked about (a title match) or answered: ``pairing_id`` is
    the rep's pairing they confirmed or corrected to, NULL while only asked, and
    ``not_one_on_one`` when they said it is no 1:1."""

    __tablename__ = "calendar_series"

    team_id: str = Field(primary_key=True, max_length=32)
    manager_id: str = Field(primary_key=True, max_length=32)
    series: str = Field(primary_key=True, max_length=40)
    pairing_id: int | None = Field(default=None, foreign_key="pairings.id", ondelete="CASCADE")
    not_one_on_one: bool = False
    answered_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class CalendarDismissal(SQLModel, table=True):
    """ "That didn't happen": a day a calendar 1:1 must not be counted again for a pairing."""

    __tablename__ = "calendar_dismissals"

    team_id: str = Field(primary_key=True, max_length=32)
    pairing_id: int = Field(primary_key=True, foreign_key="pairings.id", ondelete="CASCADE")
    held_on: date = Field(primary_key=True)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


# Many workspaces: slack_sdk's installation and OAuth state tables, on this metadata so the
# migrations create them (storage/installation_models.py).
import storage.installation_models  # noqa: E402, F401
