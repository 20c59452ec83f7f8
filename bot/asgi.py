"""The ASGI front that ``coach serve`` runs under uvicorn workers: the whole request is
read on the event loop, then the WSGI app (``bot/web.py``: Bolt and /healthz) runs on a
thread.

Why: a threaded server hands each connection to a thread before its request is read, so
40 clients trickling a byte a second held every thread and no ack went out. Here a slow
client costs a coroutine and a socket while it trickles, and a thread only once its
request is complete; a body larger than Slack ever sends is refused at once (413), and
one that takes longer than Slack ever would is cut off (408). Bolt's own ASGI adapter
(slack_bolt.adapter.asgi) reads the body the same way but then runs the synchronous App
on the event loop itself, so one slow request would stall every other on that worker;
and wrapping the WSGI app keeps one request path for ``coach serve``, the tests' server
and the benchmarks. (a2wsgi streams the body to the thread instead: the trickle would
hold the thread again.)
"""

from __future__ import annotations

import asyncio
import io
import logging
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bot.web import WsgiApp

logger = logging.getLogger(__name__)

# Slack's payloads are a few kilobytes; a modal's state or a long message stays far below.
MAX_BODY_BYTES = 1024 * 1024
# Slack sends its whole request at once and waits 3 seconds for the answer.
BODY_DEADLINE_SECONDS = 10.0

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class _Refused(Exception):
    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status, self.text = status, text


class _Disconnected(Exception):
    pass


class AsgiFront:
    """An ASGI app serving ``wsgi`` on ``threads`` threads, once each request is whole.

    ``on_shutdown`` runs (on a thread) when the server stops, after the last request:
    what the app queued after its acks is drained or dropped there."""

    def __init__(
        self,
        wsgi: WsgiApp,
        *,
        threads: int,
        on_shutdown: Callable[[], None] | None = None,
        max_body: int = MAX_BODY_BYTES,
        body_deadline: float = BODY_DEADLINE_SECONDS,
    ) -> None:
        self.wsgi = wsgi
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="coach-request")
        self.on_shutdown = on_shutdown
        self.max_body = max_body
        self.body_deadline = body_deadline

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            await self._http(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            body = await asyncio.wait_for(self._body(scope, receive), self.body_deadline)
        except _Disconnected:
            return
        except _Refused as refused:
            await _answer(send, refused.status, [(b"content-type", b"text/plain")], refused.text)
            return
        except TimeoutError:
            await _answer(send, 408, [(b"content-type", b"text/plain")], "request too slow")
            return
        environ = _environ(scope, body)
        loop = asyncio.get_running_loop()
        status, headers, payload = await loop.run_in_executor(self.pool, _call, self.wsgi, environ)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})

    async def _body(self, scope: Scope, receive: Receive) -> bytes:
        declared = dict(scope.get("headers") or []).get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > self.max_body:
            raise _Refused(413, "request body too large")
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Disconnected
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise _Refused(413, "request body too large")
            chunks.append(chunk)
            if not message.get("more_body"):
                return b"".join(chunks)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.on_shutdown is not None:
                    await asyncio.get_running_loop().run_in_executor(None, self.on_shutdown)
                self.pool.shutdown(wait=False, cancel_futures=True)
                await send({"type": "lifespan.shutdown.complete"})
                return


async def _answer(send: Send, status: int, headers: list[tuple[bytes, bytes]], text: str) -> None:
    body = text.encode()
    headers = [*headers, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _environ(scope: Scope, body: bytes) -> dict[str, Any]:
    server = scope.get("server") or ("localhost", 80)
    client = scope.get("client") or ("", 0)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": scope.get("root_path", ""),
        "PATH_INFO": scope["path"],
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1]),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "REMOTE_ADDR": str(client[0]),
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for raw_name, raw_value in scope.get("headers") or []:
        name, value = raw_name.decode("latin-1"), raw_value.decode("latin-1")
        if name == "content-type":
            environ["CONTENT_TYPE"] = value
        elif name != "content-length":
            key = "HTTP_" + name.upper().replace("-", "_")
            environ[key] = f"{environ[key]},{value}" if key in environ else value
    return environ


def _call(wsgi: WsgiApp, environ: dict[str, Any]) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """Run the WSGI app to the end of its answer (Coach's answers are small and whole)."""
    started: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        started["status"], started["headers"] = status, headers
        return lambda data: None

    chunks = wsgi(environ, start_response)
    try:
        payload = b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    status = int(str(started["status"]).split(" ", 1)[0])
    headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in started["headers"]]
    return status, headers, payload
