"""Fetching a feed from an address a person typed: https only, public addresses only
(checked at connect time, on every redirect), bounded in size, conditional with ETags."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

import pytest

from bot.calendar_fetch import (
    FeedFailed,
    FeedRefused,
    GuardedBackend,
    address_allowed,
    check_address,
    fetch_feed,
    hint_of,
)
from tests.support.feed_server import FeedServer, serve_feeds

FEED = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"

# One address of every class a server must never be made to reach.
REFUSED = {
    "loopback v4": "127.0.0.1",
    "loopback v4 elsewhere in 127/8": "127.53.0.9",
    "loopback v6": "::1",
    "private 10/8": "10.1.2.3",
    "private 172.16/12": "172.16.5.4",
    "private 192.168/16": "192.168.1.1",
    "unique local v6": "fd12:3456::1",
    "link-local v4": "169.254.10.10",
    "link-local v6": "fe80::1",
    "metadata v4": "169.254.169.254",
    "metadata v6 (AWS)": "fd00:ec2::254",
    "unspecified v4": "0.0.0.0",
    "unspecified v6": "::",
    "multicast v4": "224.0.0.1",
    "multicast v6": "ff02::1",
    "reserved v4": "240.0.0.1",
    "broadcast": "255.255.255.255",
    "shared CGNAT": "100.64.0.1",
    "documentation": "192.0.2.1",
    "IPv4-mapped loopback": "::ffff:127.0.0.1",
    "IPv4-mapped metadata": "::ffff:169.254.169.254",
    "NAT64 of private": "64:ff9b::a00:1",
}


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with serve_feeds() as server:
        yield server


@pytest.mark.parametrize("address", REFUSED.values(), ids=REFUSED.keys())
def test_every_inside_address_class_is_refused(address: str) -> None:
    assert not address_allowed(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", REFUSED.values(), ids=REFUSED.keys())
def test_a_feed_at_an_inside_address_is_refused_before_any_connection(address: str) -> None:
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(FeedRefused) as refused:
        fetch_feed(f"https://{host}/calendar.ics")
    assert refused.value.code == "blocked_address"
    assert address not in str(refused.value)


@pytest.mark.parametrize("address", ["8.8.8.8", "2606:4700:4700::1111", "142.250.74.46"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert address_allowed(ipaddress.ip_address(address))


def test_the_loopback_switch_admits_loopback_and_nothing_else() -> None:
    assert address_allowed(ipaddress.ip_address("127.0.0.1"), allow_loopback=True)
    assert address_allowed(ipaddress.ip_address("::1"), allow_loopback=True)
    for address in ("10.0.0.1", "169.254.169.254", "fd00:ec2::254", "192.168.0.1"):
        assert not address_allowed(ipaddress.ip_address(address), allow_loopback=True)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("http://calendar.google.com/calendar/ical/x/private-1/basic.ics", "not_https"),
        ("ftp://example.com/a.ics", "not_https"),
        ("file:///etc/passwd", "not_https"),
        ("https://user:secret@example.com/a.ics", "has_credentials"),
        ("https:///a.ics", "not_a_url"),
        ("not a url at all", "not_https"),
        ("https://example.com:99999/a.ics", "not_a_url"),
        ("https://example.com/" + "a" * 3000, "too_long"),
    ],
)
def test_addresses_that_are_not_https_feeds_are_refused(typed: str, code: str) -> None:
    with pytest.raises(FeedRefused) as refused:
        check_address(typed)
    assert refused.value.code == code
    assert "secret" not in str(refused.value)


def test_webcal_links_are_read_as_https() -> None:
    assert check_address("webcal://outlook.office365.com/owa/calendar/a/b/calendar.ics") == (
        "https://outlook.office365.com/owa/calendar/a/b/calendar.ics"
    )


def test_the_hint_shows_the_host_and_never_the_secret_path() -> None:
    url = "https://calendar.google.com/calendar/ical/alex%40x.com/private-abc123/basic.ics"
    assert hint_of(url) == "calendar.google.com…"


def test_loopback_http_is_refused_without_the_test_only_switch(feeds: FeedServer) -> None:
    feeds.feeds["/a.ics"] = FEED
    with pytest.raises(FeedRefused) as refused:
        fetch_feed(feeds.url("/a.ics"))
    assert refused.value.code == "not_https"
    assert feeds.requests == []


def test_a_name_resolving_inside_is_refused_at_connect_time(feeds: FeedServer) -> None:
    """ "localhost" passes the address's syntax check; the connection itself refuses it, on
    the very address it would have connected to (so a rebinding answer changes nothing)."""
    feeds.feeds["/a.ics"] = FEED
    with pytest.raises(FeedRefused) as refused:
        fetch_feed(f"https://localhost:{feeds.port}/a.ics")
    assert refused.value.code == "blocked_address"
    with pytest.raises(FeedRefused):
        GuardedBackend(allow_loopback=False).connect_tcp("localhost", feeds.port)
    assert feeds.requests == []


def test_a_feed_is_fetched_and_then_asked_for_conditionally(feeds: FeedServer) -> None:
    feeds.feeds["/a.ics"] = FEED
    first = fetch_feed(feeds.url("/a.ics"), allow_loopback=True)
    assert (first.not_modified, first.body) == (False, FEED)
    second = fetch_feed(feeds.url("/a.ics"), etag=first.etag, allow_loopback=True)
    assert second.not_modified
    assert feeds.requests[1][1]["If-None-Match"] == first.etag


def test_a_redirect_to_an_inside_address_is_refused(feeds: FeedServer) -> None:
    feeds.redirects["/go"] = "https://169.254.169.254/latest/meta-data/"
    feeds.redirects["/go-private"] = "https://10.0.0.8/feed.ics"
    feeds.redirects["/go-http"] = "http://example.com/feed.ics"
    for path, code in (
        ("/go", "blocked_address"),
        ("/go-private", "blocked_address"),
        ("/go-http", "not_https"),
    ):
        with pytest.raises(FeedRefused) as refused:
            fetch_feed(feeds.url(path), allow_loopback=True)
        assert refused.value.code == code


def test_redirects_are_followed_a_few_times_only(feeds: FeedServer) -> None:
    feeds.feeds["/end.ics"] = FEED
    feeds.redirects["/one"] = "/end.ics"
    assert fetch_feed(feeds.url("/one"), allow_loopback=True).body == FEED
    for hop in range(6):
        feeds.redirects[f"/loop{hop}"] = f"/loop{hop + 1}"
    with pytest.raises(FeedFailed) as failed:
        fetch_feed(feeds.url("/loop0"), allow_loopback=True)
    assert failed.value.code == "too_many_redirects"


def test_a_feed_over_the_size_cap_is_refused(feeds: FeedServer) -> None:
    feeds.feeds["/big.ics"] = FEED + b"X" * 5000
    with pytest.raises(FeedFailed) as failed:
        fetch_feed(feeds.url("/big.ics"), allow_loopback=True, max_bytes=1000)
    assert failed.value.code == "too_large"


def test_a_missing_feed_reads_as_gone(feeds: FeedServer) -> None:
    with pytest.raises(FeedFailed) as failed:
        fetch_feed(feeds.url("/nothing.ics"), allow_loopback=True)
    assert failed.value.code == "gone"
