"""A slow-client flood: many connections that each trickle a request, a byte at a time.

Half send their headers a byte a second and never finish them; half send whole headers
announcing a body they then trickle. A connection the server closes (it may cut off a
body that takes too long) is opened again at once, so ``count`` stay open throughout.
The test of ``coach serve`` under a flood and ``benchmarks/slow_clients.py`` share it.
"""

from __future__ import annotations

import socket
import threading
from types import TracebackType

HEADERS = (
    b"POST /slack/events HTTP/1.1\r\nHost: coach\r\n"
    b"Content-Type: application/x-www-form-urlencoded\r\n"
)
BODY_HEADERS = HEADERS + b"Content-Length: 100000\r\n\r\n"


class SlowClients:
    """``count`` connections to ``host:port``, each sending a byte every ``interval`` s."""

    def __init__(self, host: str, port: int, count: int = 200, interval: float = 1.0) -> None:
        self.address = (host, port)
        self.count = count
        self.interval = interval
        self.reopened = 0
        self._sockets: list[tuple[socket.socket, bytes, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._trickle, daemon=True)

    def __enter__(self) -> SlowClients:
        for n in range(self.count):
            self._sockets.append(self._open(n))
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for sock, _, _ in self._sockets:
            sock.close()

    @property
    def open(self) -> int:
        return len(self._sockets)

    def _open(self, n: int) -> tuple[socket.socket, bytes, int]:
        sock = socket.create_connection(self.address, timeout=5)
        if n % 2:  # whole headers now, then a body that never ends in time
            sock.sendall(BODY_HEADERS)
            return sock, b"x" * 100_000, 0
        return sock, HEADERS + b"X-Slow: " + b"y" * 100_000, 0

    def _trickle(self) -> None:
        while not self._stop.wait(self.interval):
            for index, (sock, rest, sent) in enumerate(self._sockets):
                try:
                    sock.sendall(rest[sent : sent + 1])
                    self._sockets[index] = (sock, rest, sent + 1)
                except OSError:
                    sock.close()
                    self.reopened += 1
                    try:
                        self._sockets[index] = self._open(index)
                    except OSError:
                        continue
