"""Many workspaces: "Add to Slack" over signed HTTP, tokens at rest, rotation, uninstall.

Coach runs in OAuth mode (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET and
COACH_ENCRYPTION_KEY, no SLACK_BOT_TOKEN) against the emulator's OAuth authority, which
hands out codes, rotating tokens and single-use refresh tokens as Slack does.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select
from sqlmodel import Session, col

from bot.clock import SandboxClock
from bot.flows.installs import erase_now
from bot.flows.sweeps import run_sweep
from bot.installations import InstallationClients
from bot.settings import Settings
from slack_emulator import SlackEmulator, Workspace
from slack_emulator.payloads import Payloads
from storage.db import session_scope
from storage.encryption import Cipher, generate_key
from storage.installation_models import SLACK_BOTS, SLACK_INSTALLATIONS
from storage.installations import CoachInstallationStore
from storage.models import Pairing
from storage.models import Workspace as WorkspaceRow
from storage.secret_columns import rotate_all
from tests.conftest import MANAGER, REP, make_settings
from tests.support.running_coach import Reply, RunningCoach

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "emulated-client-secret"
OTHER = "T0OTHER"
KEY = generate_key()


def oauth_settings(database_url: str, slack_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "slack_bot_token": None,
        "slack_client_id": CLIENT_ID,
        "slack_client_secret": CLIENT_SECRET,
        "slack_state_secret": "a-state-secret-of-our-own",
        "coach_encryption_key": KEY,
        **overrides,
    }
    return make_settings(database_url, slack_url, **values)


@pytest.fixture
def other(slack: SlackEmulator) -> Workspace:
    """A second workspace with people under the same user ids as the first: only the team
    id tells them apart."""
    workspace = slack.add_workspace(OTHER, "Other Co")
    workspace.add_user(MANAGER, "morgan2", real_name="Another Morgan", tz="Europe/Paris")
    workspace.add_user(REP, "alex2", real_name="Another Alex", tz="Europe/Paris")
    workspace.add_channel("C0GENERAL", "general", members=[MANAGER, REP])
    return workspace


@pytest.fixture
def oauth_coach(
    database_url: str, slack: SlackEmulator, clock: SandboxClock
) -> Iterator[RunningCoach]:
    slack.oauth.register_app(CLIENT_ID, CLIENT_SECRET)
    running = RunningCoach(oauth_settings(database_url, slack.url), slack=slack, clock=clock)
    try:
        yield running
    finally:
        running.close()


def install(
    coach: RunningCoach, slack: SlackEmulator, workspace: Workspace, **extra: object
) -> Reply:
    """A person opens /slack/install, approves on Slack's page, and lands on the redirect."""
    page = coach.request("GET", "/slack/install")
    assert page.status == 200, page
    link = html.unescape(re.search(r'href="([^"]+)"', page.body.decode())[1])  # type: ignore[index]
    state = parse_qs(urlsplit(link).query)["state"][0]
    assert parse_qs(urlsplit(link).query)["client_id"] == [CLIENT_ID]
    cookies = [v for k, v in page.headers.items() if k.lower() == "set-cookie"]
    assert any(f"slack-app-oauth-state={state}" in cookie for cookie in cookies), page.headers
    code = slack.install(workspace, user_id=MANAGER, client_id=CLIENT_ID, **extra)  # type: ignore[arg-type]
    return coach.request(
        "GET",
        f"/slack/oauth_redirect?code={code}&state={state}",
        headers={"Cookie": f"slack-app-oauth-state={state}"},
    )


def answer_in(
    coach: RunningCoach, slack: SlackEmulator, workspace: Workspace, text: str, user: str
) -> str:
    """``/coach text`` typed in ``workspace``; its private answer, from that workspace."""
    seen = len(workspace.calls_to("response_url"))
    target = workspace.new_response_target("C0GENERAL", user)
    reply = coach.post_signed(
        Payloads(team_id=workspace.team_id).slash_command(
            text,
            user_id=user,
            response_url=f"{slack.root_url}response/{target}",
            trigger_id=workspace.new_trigger_id(user),
        )
    )
    assert reply.status == 200, reply
    if reply.body:  # answered in the ack itself
        return reply.text
    call = workspace.wait_for("response_url", count=seen + 1)[seen]
    return str(call.params.get("text", "")) + str(call.params.get("blocks", ""))


def store_of(coach: RunningCoach) -> CoachInstallationStore:
    clients = coach.services.clients
    assert isinstance(clients, InstallationClients)
    return clients.store


def test_an_install_through_the_redirect_stores_encrypted_tokens_and_answers(
    oauth_coach: RunningCoach, slack: SlackEmulator, other: Workspace
) -> None:
    slack.oauth.rotating = False  # a plain xoxb- token first; rotation has its own tests
    landed = install(oauth_coach, slack, other)
    assert landed.status == 200
    assert "Coach is in Other Co" in landed.body.decode()
    installation = store_of(oauth_coach).find_installation(enterprise_id=None, team_id=OTHER)
    assert installation is not None and installation.bot_token in other.granted_tokens
    with Session(oauth_coach.services.engine) as session:
        stored = session.execute(select(SLACK_INSTALLATIONS.c.bot_token)).scalars().all()
        bots = session.execute(select(SLACK_BOTS.c.bot_token)).scalars().all()
        workspace = session.get(WorkspaceRow, OTHER)
    assert len(stored) == 1 and not stored[0].startswith("xox")  # ciphertext at rest
    assert Cipher([KEY]).decrypt(stored[0]) == installation.bot_token
    assert bots and not bots[0].startswith("xox")
    assert workspace is not None and workspace.uninstalled_at is None
    assert "/coach team" in answer_in(oauth_coach, slack, other, "help", MANAGER)
    assert oauth_coach.services.clients is not None
    assert oauth_coach.services.clients.team_ids() == [OTHER]


def test_a_refused_or_forged_redirect_shows_a_friendly_page_and_installs_nothing(
    oauth_coach: RunningCoach, slack: SlackEmulator
) -> None:
    cancelled = oauth_coach.request("GET", "/slack/oauth_redirect?error=access_denied&state=x")
    assert "You cancelled the install" in cancelled.body.decode()
    forged = oauth_coach.request(
        "GET",
        "/slack/oauth_redirect?code=1.abc&state=made-up",
        headers={"Cookie": "slack-app-oauth-state=made-up"},
    )
    assert forged.status == 401
    assert "Coach wasn't added" in html.unescape(forged.body.decode())
    assert store_of(oauth_coach).find_installation(enterprise_id=None, team_id="T0COACH") is None


def test_commands_from_two_workspaces_stay_apart(
    oauth_coach: RunningCoach, slack: SlackEmulator, other: Workspace
) -> None:
    install(oauth_coach, slack, slack.workspace)
    install(oauth_coach, slack, other)
    added = answer_in(oauth_coach, slack, slack.workspace, f"team add <@{REP}>", MANAGER)
    assert "to accept you as their coach" in added
    # The invitation went to the first workspace's rep, with the first workspace's token.
    invites = slack.workspace.calls_to("chat.postMessage")
    assert [c.params["channel"] for c in invites] == [REP]
    assert invites[0].token in slack.workspace.granted_tokens
    assert other.calls_to("chat.postMessage") == []
    # The same user ids in the other workspace have no pairing at all.
    assert "to accept" not in answer_in(oauth_coach, slack, other, "team", MANAGER)
    assert "alex" not in answer_in(oauth_coach, slack, other, "team", MANAGER).lower()
    with Session(oauth_coach.services.engine) as session:
        teams = session.execute(select(col(Pairing.team_id))).scalars().all()
    assert teams == ["T0COACH"]


def test_bolt_refreshes_a_token_about_to_expire_inside_a_request(
    oauth_coach: RunningCoach, slack: SlackEmulator, other: Workspace
) -> None:
    slack.oauth.token_lifetime = 60  # expires well within the two-hour margin
    install(oauth_coach, slack, other)
    first = store_of(oauth_coach).find_installation(enterprise_id=None, team_id=OTHER)
    assert first is not None and first.bot_refresh_token
    slack.oauth.token_lifetime = 43_200
    assert "/coach team" in answer_in(oauth_coach, slack, other, "help", MANAGER)
    assert [e.error for e in slack.oauth.refreshes()] == [None]
    now = store_of(oauth_coach).find_installation(enterprise_id=None, team_id=OTHER)
    assert now is not None and now.bot_token != first.bot_token
    assert other.token_problem(now.bot_token or "") is None
    # The refresh token was spent once; a second request needs no refresh.
    assert "/coach team" in answer_in(oauth_coach, slack, other, "help", MANAGER)
    assert len(slack.oauth.refreshes()) == 1


def test_key_rotation_re_encrypts_every_installation_token(
    oauth_coach: RunningCoach, slack: SlackEmulator, other: Workspace
) -> None:
    install(oauth_coach, slack, other)
    token = store_of(oauth_coach).find_installation(enterprise_id=None, team_id=OTHER)
    assert token is not None
    new_key = generate_key()
    with session_scope(oauth_coach.services.engine) as session:
        counts = rotate_all(session=session, cipher=Cipher([new_key, KEY]))
    assert counts["slack installation tokens"] == 2  # the installation row and its bot row
    only_new = CoachInstallationStore(
        client_id=CLIENT_ID, engine=oauth_coach.services.engine, cipher=Cipher([new_key])
    )
    again = only_new.find_installation(enterprise_id=None, team_id=OTHER)
    assert again is not None and again.bot_token == token.bot_token
    assert again.bot_refresh_token == token.bot_refresh_token


def _uninstall_event(team_id: str, event_type: str = "app_uninstalled") -> dict[str, object]:
    event: dict[str, object] = {"type": event_type}
    if event_type == "tokens_revoked":
        event["tokens"] = {"bot": ["UCOACHBOT"]}
    return event


@pytest.mark.parametrize("event_type", ["app_uninstalled", "tokens_revoked"])
def test_an_uninstall_deletes_the_installation_and_erases_after_the_grace_period(
    oauth_coach: RunningCoach,
    slack: SlackEmulator,
    other: Workspace,
    clock: SandboxClock,
    event_type: str,
) -> None:
    install(oauth_coach, slack, slack.workspace)
    install(oauth_coach, slack, other)
    answer_in(oauth_coach, slack, other, f"team add <@{REP}>", MANAGER)
    answer_in(oauth_coach, slack, slack.workspace, f"team add <@{REP}>", MANAGER)
    oauth_coach.settle()
    slack.oauth.uninstall(other)  # Slack revokes the tokens, then tells the app
    body = Payloads(team_id=OTHER).event_callback(_uninstall_event(OTHER, event_type))
    assert oauth_coach.post_signed(body).status == 200
    oauth_coach.settle()
    services = oauth_coach.services
    assert store_of(oauth_coach).find_installation(enterprise_id=None, team_id=OTHER) is None
    assert services.clients is not None and services.clients.team_ids() == ["T0COACH"]

    def pairings_of(team_id: str) -> int:
        with Session(services.engine) as session:
            rows = session.execute(select(col(Pairing.id)).where(col(Pairing.team_id) == team_id))
            return len(rows.all())

    clock.advance(timedelta(days=29))
    run_sweep(services, "retention")
    assert pairings_of(OTHER) == 1  # kept through the grace period
    clock.advance(timedelta(days=2))
    completed, summary = run_sweep(services, "retention")
    assert completed and "workspaces erased after an uninstall: 1" in summary
    assert pairings_of(OTHER) == 0
    assert pairings_of("T0COACH") == 1  # the other workspace keeps everything
    with Session(services.engine) as session:
        assert session.get(WorkspaceRow, OTHER) is None


def test_a_reinstall_within_the_grace_period_finds_its_data_again(
    oauth_coach: RunningCoach, slack: SlackEmulator, other: Workspace, clock: SandboxClock
) -> None:
    install(oauth_coach, slack, other)
    answer_in(oauth_coach, slack, other, f"team add <@{REP}>", MANAGER)
    oauth_coach.settle()
    slack.oauth.uninstall(other)
    oauth_coach.post_signed(Payloads(team_id=OTHER).event_callback({"type": "app_uninstalled"}))
    oauth_coach.settle()
    clock.advance(timedelta(days=10))
    landed = install(oauth_coach, slack, other)
    assert "Everything your team kept in Coach before is here again." in landed.body.decode()
    clock.advance(timedelta(days=30))
    run_sweep(oauth_coach.services, "retention")
    assert "@" in answer_in(oauth_coach, slack, other, "team", MANAGER)
    with Session(oauth_coach.services.engine) as session:
        assert len(session.execute(select(col(Pairing.id))).all()) == 1


def test_erase_now_takes_every_row_of_one_workspace(
    oauth_coach: RunningCoach, slack: SlackEmulator, other: Workspace
) -> None:
    install(oauth_coach, slack, other)
    answer_in(oauth_coach, slack, other, f"team add <@{REP}>", MANAGER)
    oauth_coach.settle()
    assert erase_now(oauth_coach.services, team_id=OTHER) > 0
    with Session(oauth_coach.services.engine) as session:
        assert session.execute(select(col(Pairing.id))).all() == []
        assert session.execute(select(SLACK_INSTALLATIONS.c.id)).all() == []


def test_an_org_wide_install_serves_each_workspace_of_the_org_apart(
    oauth_coach: RunningCoach, slack: SlackEmulator
) -> None:
    east = slack.add_workspace("T0GRIDEAST", "Acme East", enterprise_id="E0ACME")
    west = slack.add_workspace("T0GRIDWEST", "Acme West", enterprise_id="E0ACME")
    for workspace in (east, west):
        workspace.add_user(MANAGER, "morgan", tz="America/New_York")
        workspace.add_user(REP, "alex", tz="America/New_York")
        workspace.add_channel("C0GENERAL", "general", members=[MANAGER, REP])
    slack.oauth.rotating = False
    landed = install(oauth_coach, slack, east, org_wide=True)
    assert landed.status == 200, landed.body
    org = Payloads(team_id=east.team_id, enterprise_id="E0ACME", is_enterprise_install=True)
    seen = len(east.calls_to("response_url"))
    target = east.new_response_target("C0GENERAL", MANAGER)
    reply = oauth_coach.post_signed(
        org.slash_command(
            f"team add <@{REP}>",
            user_id=MANAGER,
            response_url=f"{slack.root_url}response/{target}",
        )
    )
    assert reply.status == 200
    assert "to accept you" in str(east.wait_for("response_url", count=seen + 1)[seen].params)
    services = oauth_coach.services
    with Session(services.engine) as session:
        row = session.get(WorkspaceRow, east.team_id)
        assert row is not None and row.enterprise_id == "E0ACME"
        assert session.execute(select(col(Pairing.team_id))).scalars().all() == [east.team_id]
    assert services.clients is not None
    assert east.team_id in services.clients.team_ids()
    assert services.slack_for(east.team_id).auth_test()["team_id"] == east.team_id


def test_with_one_bot_token_an_uninstall_is_erased_after_the_grace_period_too(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    coach.pair(MANAGER, REP)
    coach.settle()
    for _ in range(2):  # Slack's retry of the event changes nothing
        assert coach.event({"type": "app_uninstalled"}, event_id="EvGOODBYE").status == 200
        coach.settle()
    clock.advance(timedelta(days=31))
    assert "workspaces erased after an uninstall: 1" in run_sweep(coach.services, "retention")[1]
    with Session(coach.services.engine) as session:
        assert session.execute(select(col(Pairing.id))).all() == []


def test_install_links_are_signed_with_the_state_secret(oauth_coach: RunningCoach) -> None:
    from bot.oauth import SignedStateStore
    from storage.installations import build_state_store

    states = build_state_store(oauth_coach.services.engine)
    ours = SignedStateStore(states, "a-state-secret-of-our-own")
    issued = ours.issue()
    assert SignedStateStore(states, "another-secret").consume(issued) is False
    assert ours.consume(issued.rsplit(".", 1)[0] + ".0123") is False
    assert ours.consume(issued) is True
    assert ours.consume(issued) is False  # once only


def test_the_consent_page_is_beside_the_web_api_coach_talks_to(
    oauth_coach: RunningCoach, slack: SlackEmulator
) -> None:
    from bot.oauth import authorization_url

    assert authorization_url("https://slack-gov.com/api/") == (
        "https://slack-gov.com/oauth/v2/authorize"
    )
    assert authorization_url(None) is None
    page = oauth_coach.request("GET", "/slack/install").body.decode()
    assert f'href="{slack.root_url}oauth/v2/authorize?state=' in page


def test_a_workspaces_token_is_checked_with_slack_once_not_before_every_ack(
    oauth_coach: RunningCoach, slack: SlackEmulator, other: Workspace
) -> None:
    install(oauth_coach, slack, other)
    before = len(other.calls_to("auth.test"))
    for _ in range(3):
        assert "/coach team" in answer_in(oauth_coach, slack, other, "help", MANAGER)
    assert len(other.calls_to("auth.test")) == before + 1
