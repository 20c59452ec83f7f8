"""200 slow connections trickling their requests do not stop ``coach serve`` from acking:
with gunicorn's threaded workers 40 such connections held every thread, and 0 of 4
signed ``/coach help`` were answered while they were open."""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from slack_emulator import payloads
from slack_emulator.payloads import Payloads
from tests.conftest import MANAGER
from tests.http import test_server_process
from tests.support.slow_clients import SlowClients

served = test_server_process.served  # the fixture: `coach serve` in a process of its own


def _help(url: str) -> tuple[int, float]:
    body = Payloads().slash_command("help", user_id=MANAGER)
    headers = {"Content-Type": "application/x-www-form-urlencoded", **payloads.signed_headers(body)}
    request = urllib.request.Request(url + "/slack/events", data=body, headers=headers)
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=5) as reply:
            reply.read()
            status = reply.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError:
        status = 0
    return status, (time.perf_counter() - started) * 1000


@pytest.mark.slow  # starts a server
def test_signed_acks_go_out_while_200_slow_clients_trickle(served) -> None:
    url, _ = served
    address = urllib.parse.urlsplit(url)
    with SlowClients(address.hostname or "127.0.0.1", address.port or 80, count=200) as flood:
        time.sleep(2)  # every slow connection has started its request
        answers = [_help(url) for _ in range(40)]
        still_open = flood.open
    statuses = [status for status, _ in answers]
    took = sorted(ms for _, ms in answers)
    assert statuses == [200] * 40
    assert still_open == 200
    assert took[-1] < 500, f"slowest ack {took[-1]:.0f} ms with 200 slow clients"


@pytest.mark.slow  # starts a server
def test_a_body_larger_than_slack_sends_is_refused_at_once(served) -> None:
    """The 413 comes before the body is read whole: the server may close the socket while
    the client is still sending, so the answer is read whatever happened to the sending."""
    url, _ = served
    address = urllib.parse.urlsplit(url)
    size = 2 * 1024 * 1024
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    connection.putrequest("POST", "/slack/events")
    connection.putheader("Content-Type", "text/plain")
    connection.putheader("Content-Length", str(size))
    connection.endheaders()
    try:
        for _ in range(size // 65536):
            connection.send(b"x" * 65536)
    except OSError:
        pass  # refused mid-body: the answer is already on its way
    answer = connection.getresponse()
    assert answer.status == 413
    connection.close()
