"""Fetching a web page for the coverage: http(s) only, bounded in time, size and redirects, and
never onto the server's own network.

Every address a host name resolves to is checked when the connection is made (not
only before), so a name that resolves to a public address when checked and a
private one when connecting (DNS rebinding) still cannot reach loopback, private,
link-local or otherwise reserved addresses, unless `allow_private` says so (tests
serve their pages on loopback). Redirects are followed by hand, each hop checked
the same way, at most MAX_REDIRECTS of them. Proxies from the environment are not
used: a proxy would make the connection on our behalf, past the address check.

httpx is imported here only, so answering never pays for it.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

if TYPE_CHECKING:
    import httpx

MAX_REDIRECTS = 5
USER_AGENT = "Crosscheck/0.1 (news coverage reader; +https://github.com/crosscheck)"


class FetchError(Exception):
    """A page could not be fetched; the message says why, in words for the person who pasted it."""


@dataclass(frozen=True)
class Page:
    """What a fetch brought back: the final URL (after redirects), its content type and bytes."""

    url: str
    content_type: str
    body: bytes


def check_url(url: str) -> str:
    """The URL, stripped, when it is an absolute http(s) URL with a host; FetchError otherwise."""
    url = url.strip().strip("<>")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(
            f"I only fetch http:// and https:// links, not {parts.scheme or 'this'}: {url[:200]}"
        )
    if not parts.hostname:
        raise FetchError(f"That link has no host name: {url[:200]}")
    return url


def address_allowed(address: str, allow_private: bool) -> bool:
    """Whether a connection may go to this IP address: public ones always, others only when allowed."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if allow_private:
        return not (ip.is_multicast or ip.is_unspecified)
    return ip.is_global and not ip.is_multicast


def fetch(url: str, *, timeout: float, max_bytes: int, allow_private: bool = False) -> Page:
    """GET a page; raises FetchError (timeout, too big, refused address, HTTP error, ...)."""
    import httpx

    url = check_url(url)
    transport = httpx.HTTPTransport(retries=0)
    _guard(transport, allow_private)
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5",
    }
    with httpx.Client(
        transport=transport, timeout=timeout, follow_redirects=False, trust_env=False
    ) as client:
        for _ in range(MAX_REDIRECTS + 1):
            try:
                with client.stream("GET", url, headers=headers) as response:
                    if response.is_redirect:
                        location = response.headers.get("location", "")
                        url = check_url(urljoin(url, location))
                        continue
                    return _read(response, url, max_bytes)
            except httpx.TimeoutException:
                raise FetchError(f"{_host(url)} did not answer within {timeout:g} seconds.") from None
            except _Refused as exc:
                raise FetchError(str(exc)) from None
            except httpx.HTTPError as exc:
                raise FetchError(f"I could not fetch {url[:200]}: {_reason(exc)}.") from None
    raise FetchError(f"{url[:200]} redirects more than {MAX_REDIRECTS} times; paste the final link instead.")


def _read(response: httpx.Response, url: str, max_bytes: int) -> Page:
    if response.status_code >= 400:
        raise FetchError(
            f"{_host(url)} answered {response.status_code} {response.reason_phrase} for {url[:200]}."
        )
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(_too_big(url, int(declared), max_bytes))
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > max_bytes:
            raise FetchError(_too_big(url, None, max_bytes))
    content_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return Page(url=str(response.url), content_type=content_type, body=bytes(body))


def _too_big(url: str, size: int | None, max_bytes: int) -> str:
    said = f" ({size / 1e6:.1f} MB)" if size else ""
    return (
        f"{url[:200]} is larger than {max_bytes / 1e6:.0f} MB{said}, far more than an article; "
        "I stopped reading it. Link the article page itself, or raise CROSSCHECK_FETCH_MAX_BYTES."
    )


def _host(url: str) -> str:
    return urlsplit(url).hostname or url[:100]


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text[:200]


class _Refused(Exception):
    """A connection refused by the address check; httpx passes it up unchanged."""


def _guard(transport: httpx.HTTPTransport, allow_private: bool) -> None:
    """Make the transport's connections go through the address check."""
    import httpcore

    class CheckedBackend(httpcore.SyncBackend):
        def connect_tcp(
            self, host: str, port: int, timeout: float | None = None,
            local_address: str | None = None, socket_options: Any = None,
        ) -> httpcore.NetworkStream:  # fmt: skip
            address = _allowed_address(host, port, allow_private)
            # Connect to the address checked, not the name again: the name could resolve anew.
            return super().connect_tcp(address, port, timeout, local_address, socket_options)

    pool = getattr(transport, "_pool", None)
    if not hasattr(pool, "_network_backend"):
        raise FetchError("This version of httpx cannot check addresses when connecting; fetching is off.")
    pool._network_backend = CheckedBackend()  # type: ignore[union-attr]


def _allowed_address(host: str, port: int, allow_private: bool) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise _Refused(f"The host name {host} cannot be found ({exc}).") from None
    addresses = [str(info[4][0]) for info in infos]
    refused = [a for a in addresses if not address_allowed(a, allow_private)]
    if refused:
        # One private address among public ones is enough to refuse: which one is used is not ours to pick.
        raise _Refused(
            f"{host} resolves to {refused[0]}, an address on a private, local or reserved network; "
            "I do not fetch from those (set CROSSCHECK_FETCH_ALLOW_PRIVATE=true to allow it)."
        )
    return addresses[0]
