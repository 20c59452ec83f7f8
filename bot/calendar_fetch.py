"""Fetching a calendar feed from an address a person typed, safely: the only module that
speaks HTTP to the outside world (with ``httpx2``, the HTTP client already installed for
``openai``).

The server fetches a URL a user chose, so every way it could be turned against the
network it runs in is closed:

- **https only**, no user name or password in the address, a length limit;
- **public addresses only**: the host is resolved and every address it resolves to must
  be global unicast. Loopback, private (RFC 1918, unique-local), link-local, the cloud
  metadata addresses (169.254.169.254, fd00:ec2::254), unspecified, multicast, reserved,
  shared (CGNAT) and IPv4-mapped or NAT64 forms of any of those are refused;
- **checked at connect time, on the address connected to**: the check lives in the
  connection's network backend (``GuardedBackend``), which resolves the name once, checks
  the answers and connects to the checked address itself (TLS still verifies, and SNI
  still names, the host in the URL). A name that resolves to a public address for a first
  lookup and a private one for a second (DNS rebinding) cannot slip between them;
- **redirects followed by hand**, at most ``MAX_REDIRECTS``, each new address checked
  again like the first (and refused if it drops to http);
- **bounded**: a connect and read timeout, a deadline for the whole body, and a size cap
  counted on the decompressed bytes; no proxy from the environment.

``allow_loopback`` exists for the tests and ``coach try`` only (the setting
``COACH_CALENDAR_ALLOW_LOOPBACK_FOR_TESTS``): it admits 127.0.0.0/8 and ::1, over http
too, and nothing else.

Errors carry a short ``code`` (never the address): the address is a bearer secret and is
never logged or echoed; ``hint_of`` gives the host and "…" that may be shown.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpcore2
import httpx2

MAX_URL_LENGTH = 2048
MAX_REDIRECTS = 3
MAX_FEED_BYTES = 10 * 1024 * 1024
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 10.0
WHOLE_BODY_SECONDS = 20.0
USER_AGENT = "Coach (calendar feed reader)"

# Addresses Python may count as global that must never be reached from a server.
_METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# httpx logs every request's full URL at INFO ("HTTP Request: GET https://…"), and a feed's
# URL is its secret: its loggers speak only of warnings, whatever the root level is.
for _name in ("httpx2", "httpcore2"):
    logging.getLogger(_name).setLevel(logging.WARNING)


class FeedRefused(Exception):
    """An address Coach will not fetch: ``code`` says why (no address in the message)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class FeedFailed(Exception):
    """A fetch that did not give a feed: timeout, unreachable, an HTTP error, too large."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Fetched:
    """What a fetch gave: the body (empty when not modified) and the validators."""

    not_modified: bool
    body: bytes
    etag: str | None
    last_modified: str | None


def hint_of(url: str) -> str:
    """What may be shown of a feed address: its host and an ellipsis."""
    host = urlsplit(url).hostname or ""
    return f"{host}…" if host else "…"


def check_address(text: str, *, allow_loopback: bool = False) -> str:
    """The address as it will be fetched, or ``FeedRefused``. Syntax only (no DNS): the
    network checks happen at connect time, on every hop. Google's and Outlook's own
    ``webcal://`` links are read as the https they stand for."""
    url = text.strip().strip("<>")
    if len(url) > MAX_URL_LENGTH:
        raise FeedRefused("too_long")
    if url.lower().startswith("webcal://"):
        url = "https://" + url[len("webcal://") :]
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise FeedRefused("not_a_url") from None
    if parts.scheme == "http" and allow_loopback and _is_loopback_literal(parts.hostname):
        pass  # the test-only loopback feed server speaks plain http
    elif parts.scheme != "https":
        raise FeedRefused("not_https")
    if not parts.hostname:
        raise FeedRefused("not_a_url")
    if parts.username is not None or parts.password is not None:
        raise FeedRefused("has_credentials")
    if port == 0:
        raise FeedRefused("not_a_url")
    return url


def _is_loopback_literal(host: str | None) -> bool:
    if host is None:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def address_allowed(address: IPAddress, *, allow_loopback: bool = False) -> bool:
    """Whether Coach may connect to this address: global unicast, and none of the classes
    a server must not be made to reach."""
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped
        if mapped is not None:
            return address_allowed(mapped, allow_loopback=allow_loopback)
        if address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
            return address_allowed(embedded, allow_loopback=allow_loopback)
    if allow_loopback and address.is_loopback:
        return True
    if address in _METADATA:
        return False
    return address.is_global and not (
        address.is_multicast
        or address.is_loopback
        or address.is_link_local
        or address.is_private
        or address.is_reserved
        or address.is_unspecified
    )


def resolve_allowed(host: str, port: int, *, allow_loopback: bool = False) -> list[str]:
    """The addresses of ``host``, all checked; ``FeedRefused`` if any one is not allowed
    (a name that also points inside is refused whole rather than raced)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FeedFailed("unknown_host") from None
    addresses: list[str] = []
    for info in infos:
        text = str(info[4][0]).split("%", 1)[0]
        if not address_allowed(ipaddress.ip_address(text), allow_loopback=allow_loopback):
            raise FeedRefused("blocked_address")
        if text not in addresses:
            addresses.append(text)
    if not addresses:
        raise FeedFailed("unknown_host")
    return addresses


class GuardedBackend(httpcore2.NetworkBackend):
    """httpcore's network backend that connects only to addresses it has just checked."""

    def __init__(self, *, allow_loopback: bool) -> None:
        self._inner = httpcore2.SyncBackend()
        self._allow_loopback = allow_loopback

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore2.SOCKET_OPTION] | None = None,
    ) -> httpcore2.NetworkStream:
        addresses = resolve_allowed(host, port, allow_loopback=self._allow_loopback)
        last: Exception | None = None
        for address in addresses:
            try:
                return self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore2.ConnectError, httpcore2.ConnectTimeout) as error:
                last = error
        raise last or httpcore2.ConnectError("no address answered")

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore2.SOCKET_OPTION] | None = None,
    ) -> httpcore2.NetworkStream:
        raise FeedRefused("blocked_address")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class GuardedTransport(httpx2.HTTPTransport):
    """httpx's own transport, its connection pool built on ``GuardedBackend``."""

    def __init__(self, *, allow_loopback: bool) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore2.ConnectionPool(
            ssl_context=httpx2.create_ssl_context(trust_env=False),
            max_connections=2,
            network_backend=GuardedBackend(allow_loopback=allow_loopback),
        )


def fetch_feed(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    allow_loopback: bool = False,
    max_bytes: int = MAX_FEED_BYTES,
) -> Fetched:
    """GET the feed, conditionally when validators are given; ``FeedRefused`` or
    ``FeedFailed`` (with a code, never the address) when it does not give one."""
    headers = {"User-Agent": USER_AGENT, "Accept": "text/calendar, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    timeout = httpx2.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT)
    with httpx2.Client(
        transport=GuardedTransport(allow_loopback=allow_loopback),
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
    ) as client:
        current = check_address(url, allow_loopback=allow_loopback)
        for _hop in range(MAX_REDIRECTS + 1):
            try:
                fetched = _get(client, current, headers, max_bytes)
            except httpx2.TimeoutException:
                raise FeedFailed("timeout") from None
            except httpx2.TransportError as error:
                cause = error.__context__ or error.__cause__
                if isinstance(cause, FeedRefused | FeedFailed):
                    raise cause from None
                raise FeedFailed("unreachable") from None
            if isinstance(fetched, Fetched):
                return fetched
            current = check_address(urljoin(current, fetched), allow_loopback=allow_loopback)
        raise FeedFailed("too_many_redirects")


def _get(client: httpx2.Client, url: str, headers: dict[str, str], max_bytes: int) -> Fetched | str:
    """One request: a ``Fetched``, or the next address when it redirects."""
    deadline = time.monotonic() + WHOLE_BODY_SECONDS
    with client.stream("GET", url, headers=headers) as response:
        if response.status_code in (301, 302, 303, 307, 308):
            location = response.headers.get("location")
            if not location:
                raise FeedFailed("bad_redirect")
            return location
        if response.status_code == 304:
            return Fetched(
                True, b"", headers.get("If-None-Match"), headers.get("If-Modified-Since")
            )
        if response.status_code in (401, 403, 404, 410):
            raise FeedFailed("gone")
        if response.status_code != 200:
            raise FeedFailed("http_error")
        declared = response.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            raise FeedFailed("too_large")
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise FeedFailed("too_large")
            if time.monotonic() > deadline:
                raise FeedFailed("timeout")
            chunks.append(chunk)
        return Fetched(
            False,
            b"".join(chunks),
            response.headers.get("etag"),
            response.headers.get("last-modified"),
        )
