"""How long reading a big calendar feed takes: fetch over loopback, parse, expand, match.

    python benchmarks/calendar_feed.py [--megabytes 5] [--runs 5] [--json]

Builds a Google-shaped feed of about 5 MB holding three years of a manager's calendar: a
weekly 1:1 series with each of 8 reps (with moved and cancelled occurrences and EXDATEs)
and, around them, the single meetings that make up most of a real export (customer calls
with attendees and descriptions). Then reads it as Coach does (``bot.calendar_fetch`` from
a local server, ``bot.domain.calendar.read_feed`` over Coach's window, matching against
the 8 reps) and prints the median of a few runs. Not a test: timings depend on the machine.
The bar is 1 s for the whole read of a 5 MB feed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a plain script from anywhere
    sys.path.insert(0, str(ROOT))

from bot.calendar_fetch import fetch_feed  # noqa: E402
from bot.domain.calendar import (  # noqa: E402
    Identity,
    RepIdentity,
    match_one_on_ones,
    names_of,
    read_feed,
)
from bot.flows.calendars import WINDOW_AHEAD, WINDOW_BACK  # noqa: E402
from tests.support.feed_server import serve_feeds  # noqa: E402

TARGET_SECONDS = 1.0
REPS = ("alex", "sam", "kim", "jo", "lee", "ria", "tom", "uma")
FIRST = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)


def build_feed(megabytes: float) -> bytes:
    """Three years of weekly 1:1 series, then single meetings until the size is reached."""
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
        "VERSION:2.0",
        "X-WR-TIMEZONE:America/New_York",
    ]
    for index, rep in enumerate(REPS):
        start = FIRST + timedelta(days=index % 5, hours=index)
        stamp = start.strftime("%Y%m%dT%H%M%S")
        exdates = ",".join(
            (start + timedelta(weeks=w)).strftime("%Y%m%dT%H%M%S") for w in range(7, 150, 13)
        )
        lines += [
            "BEGIN:VEVENT",
            f"DTSTART;TZID=America/New_York:{stamp}",
            f"DTEND;TZID=America/New_York:{(start + timedelta(minutes=30)):%Y%m%dT%H%M%S}",
            "RRULE:FREQ=WEEKLY;UNTIL=20270101T000000Z",
            f"EXDATE;TZID=America/New_York:{exdates}",
            f"UID:{rep}-weekly@google.com",
            "ORGANIZER:mailto:morgan@example.com",
            "ATTENDEE;PARTSTAT=ACCEPTED:mailto:morgan@example.com",
            f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{rep}@example.com",
            f"SUMMARY:{rep.title()} / Morgan",
            "END:VEVENT",
        ]
        for week in range(3, 156, 9):  # moved and cancelled occurrences all along
            original = start + timedelta(weeks=week)
            moved = original + timedelta(days=1, hours=2)
            cancelled = "STATUS:CANCELLED" if week % 2 else "STATUS:CONFIRMED"
            lines += [
                "BEGIN:VEVENT",
                f"DTSTART;TZID=America/New_York:{moved:%Y%m%dT%H%M%S}",
                f"DTEND;TZID=America/New_York:{(moved + timedelta(minutes=30)):%Y%m%dT%H%M%S}",
                f"RECURRENCE-ID;TZID=America/New_York:{original:%Y%m%dT%H%M%S}",
                f"UID:{rep}-weekly@google.com",
                cancelled,
                f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{rep}@example.com",
                f"SUMMARY:{rep.title()} / Morgan",
                "END:VEVENT",
            ]
    body = "\r\n".join(lines)
    target = int(megabytes * 1024 * 1024)
    count = 0
    chunk: list[str] = []
    span = timedelta(days=3 * 365)
    while len(body) + sum(len(line) + 2 for line in chunk) < target:
        moment = FIRST + span * ((count * 7919) % 10_000) / 10_000
        chunk += [
            "BEGIN:VEVENT",
            f"DTSTART:{moment:%Y%m%dT%H%M%SZ}",
            f"DTEND:{(moment + timedelta(hours=1)):%Y%m%dT%H%M%SZ}",
            "DTSTAMP:20261201T000000Z",
            f"UID:meeting-{count}@google.com",
            "ORGANIZER;CN=Morgan Manager:mailto:morgan@example.com",
            "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Morgan M"
            "anager;X-NUM-GUESTS=0:mailto:morgan@example.com",
            f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;CN=buyer"
            f"{count};X-NUM-GUESTS=0:mailto:buyer{count}@customer.example",
            f"SUMMARY:Discovery call, account {count}",
            "DESCRIPTION:Join with Google Meet: https://meet.google.com/abc-defg-hij\\nAgenda"
            ": goals\\, timeline\\, next steps. Notes in the shared doc.",
            "STATUS:CONFIRMED",
            "END:VEVENT",
        ]
        count += 1
    body += "\r\n" + "\r\n".join(chunk) + "\r\nEND:VCALENDAR\r\n"
    return body.encode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="one JSON line, for run_all.py")
    args = parser.parse_args(argv)

    feed = build_feed(args.megabytes)
    manager = Identity("morgan@example.com", names_of("morgan", "Morgan Manager"))
    reps = [
        RepIdentity(i + 1, f"U{rep.upper()}", Identity(f"{rep}@example.com", names_of(rep)))
        for i, rep in enumerate(REPS)
    ]
    mentions = [m for rep in reps for m in (rep.identity.email or "", *rep.identity.names)]
    fetch_times: list[float] = []
    read_times: list[float] = []
    matched = 0
    with serve_feeds() as server:
        server.feeds["/basic.ics"] = feed
        for _ in range(args.runs):
            began = time.perf_counter()
            body = fetch_feed(server.url("/basic.ics"), allow_loopback=True).body
            fetched = time.perf_counter()
            occurrences = read_feed(
                body, start=NOW - WINDOW_BACK, end=NOW + WINDOW_AHEAD, mentions=mentions
            )
            matched = len(match_one_on_ones(occurrences, manager=manager, reps=reps))
            done = time.perf_counter()
            fetch_times.append(fetched - began)
            read_times.append(done - fetched)
    total = [f + r for f, r in zip(fetch_times, read_times, strict=True)]
    result = {
        "feed_mb": round(len(feed) / 1024 / 1024, 2),
        "events": feed.count(b"BEGIN:VEVENT"),
        "matched_in_window": matched,
        "fetch_s": round(statistics.median(fetch_times), 3),
        "parse_and_match_s": round(statistics.median(read_times), 3),
        "total_s": round(statistics.median(total), 3),
        "target_s": TARGET_SECONDS,
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"calendar feed: {result['feed_mb']} MB, {result['events']} VEVENTs, "
            f"{matched} 1:1s matched in the window ({WINDOW_BACK.days} days back, "
            f"{WINDOW_AHEAD.days} ahead)"
        )
        print(
            f"  median of {args.runs}: fetch {result['fetch_s']} s, parse + expand + match "
            f"{result['parse_and_match_s']} s, total {result['total_s']} s "
            f"(bar {TARGET_SECONDS} s: {'met' if result['total_s'] < TARGET_SECONDS else 'MISSED'})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
