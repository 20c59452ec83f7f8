"""@morgan's sample calendar for ``coach try``: a weekly 1:1 with @alex, served locally.

The series runs on Tuesdays at 10:00 in New York from five weeks before the sandbox's
start, with one occurrence cancelled and one moved to the Wednesday, as a real Google
export has them. It is served over plain http on 127.0.0.1, which Coach reads only because
the sandbox sets the test-only COACH_CALENDAR_ALLOW_LOOPBACK_FOR_TESTS; in the sandbox,
``submit calendar_url=sample`` fills in its address.
"""

from __future__ import annotations

import secrets
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

SAMPLE = "sample"  # what to type for the sample calendar's address in the sandbox form


def sample_feed(start: datetime, *, manager: str, rep: str, rep_name: str) -> bytes:
    """The ICS text: ``manager`` and ``rep`` are the local parts of their emails."""
    zone = ZoneInfo("America/New_York")
    local = start.astimezone(zone)
    monday = local.date() - timedelta(days=local.weekday())
    first = datetime.combine(monday - timedelta(weeks=5, days=-1), datetime.min.time())
    first = first.replace(hour=10)
    cancelled = first + timedelta(weeks=3)
    moved_from = first + timedelta(weeks=4)
    moved_to = moved_from + timedelta(days=1, hours=4)

    def stamp(moment: datetime) -> str:
        return f"{moment:%Y%m%dT%H%M%S}"

    people = [
        f"ORGANIZER:mailto:{manager}@example.com",
        f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{manager}@example.com",
        f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{rep}@example.com",
    ]
    uid = "sandbox-weekly-1-1@google.com"
    title = f"SUMMARY:{rep_name} / {manager.title()} 1:1"
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
        "VERSION:2.0",
        "X-WR-TIMEZONE:America/New_York",
        "BEGIN:VEVENT",
        f"DTSTART;TZID=America/New_York:{stamp(first)}",
        f"DTEND;TZID=America/New_York:{stamp(first + timedelta(minutes=30))}",
        "RRULE:FREQ=WEEKLY;BYDAY=TU",
        f"UID:{uid}",
        *people,
        title,
        "END:VEVENT",
        "BEGIN:VEVENT",
        f"DTSTART;TZID=America/New_York:{stamp(cancelled)}",
        f"DTEND;TZID=America/New_York:{stamp(cancelled + timedelta(minutes=30))}",
        f"RECURRENCE-ID;TZID=America/New_York:{stamp(cancelled)}",
        f"UID:{uid}",
        "STATUS:CANCELLED",
        *people,
        title,
        "END:VEVENT",
        "BEGIN:VEVENT",
        f"DTSTART;TZID=America/New_York:{stamp(moved_to)}",
        f"DTEND;TZID=America/New_York:{stamp(moved_to + timedelta(minutes=30))}",
        f"RECURRENCE-ID;TZID=America/New_York:{stamp(moved_from)}",
        f"UID:{uid}",
        *people,
        title,
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


class SampleCalendar:
    """The sample feed on 127.0.0.1:<free port>, at a secret-looking path like a real one."""

    def __init__(self, body: bytes) -> None:
        path = f"/calendar/ical/morgan/private-{secrets.token_hex(8)}/basic.ics"
        served = {path: body}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                found = served.get(self.path)
                self.send_response(200 if found else 404)
                self.send_header("Content-Type", "text/calendar; charset=utf-8")
                self.send_header("Content-Length", str(len(found or b"")))
                self.end_headers()
                self.wfile.write(found or b"")

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}{path}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
