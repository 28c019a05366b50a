"""BufferedRequests: the app sees a request only once its whole body is in, within size and time."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.slack.asgi import BufferedRequests


class Recorder:
    """An inner ASGI app that records the scope and body it got, and answers 200."""

    def __init__(self) -> None:
        self.seen: list[tuple[dict[str, Any], bytes]] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        message = await receive()
        self.seen.append((dict(scope["headers"]), message["body"]))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def _run(app: BufferedRequests, headers: list[tuple[bytes, bytes]], chunks: list[bytes], pause: float = 0):
    """Send one request through `app` in `chunks` (`pause` s apart); returns the status sent."""
    sent: list[dict[str, Any]] = []
    queue = [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)
    ]

    async def receive() -> dict[str, Any]:
        if queue:
            await asyncio.sleep(pause)
            return queue.pop(0)
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app({"type": "http", "headers": headers}, receive, send))
    return next(m["status"] for m in sent if m["type"] == "http.response.start")


@pytest.mark.parametrize(
    ("headers", "chunks", "status"),
    [
        ([(b"content-length", b"6")], [b"abc", b"def"], 200),
        ([(b"transfer-encoding", b"chunked")], [b"abc", b"def"], 200),
        ([(b"content-length", b"2000")], [b"x"], 413),  # declared too big: refused before reading
        ([(b"transfer-encoding", b"chunked")], [b"x" * 600, b"x" * 600], 413),  # found too big
        ([(b"content-length", b"-1")], [b""], 413),
    ],
    ids=["whole", "chunked", "declared-too-big", "found-too-big", "bad-length"],
)
def test_buffered_requests_pass_whole_bodies_and_refuse_big_ones(
    headers: list[tuple[bytes, bytes]], chunks: list[bytes], status: int
) -> None:
    inner = Recorder()
    got = _run(BufferedRequests(inner, max_bytes=1000), headers, chunks)
    assert got == status, f"expected {status}, got {got}"
    if status == 200:
        seen_headers, body = inner.seen[0]
        assert body == b"".join(chunks) and seen_headers[b"content-length"] == str(len(body)).encode()
        assert b"transfer-encoding" not in seen_headers, seen_headers
    else:
        assert not inner.seen, "expected the app never to see the request"


def test_buffered_requests_a_body_too_slow_to_arrive_gets_408() -> None:
    inner = Recorder()
    got = _run(BufferedRequests(inner, max_bytes=1000, seconds=0.2), [], [b"a", b"b", b"c"], pause=0.15)
    assert got == 408 and not inner.seen, f"expected 408 without the app, got {got}"
