"""The HTTP entry point the Procfile's web line serves: the Flask app (web.py) behind an ASGI front.

Why a front: a threaded WSGI server (gunicorn's gthread) hands a connection to a
thread before its request has arrived, so eight clients sending headers a byte
at a time held all eight threads and no ack got through. Here uvicorn's event
loop reads headers (uvicorn_worker runs it under gunicorn, which keeps the
master, `--workers` and the exit-3 rule), and `BufferedRequests` reads each body
whole, within a size and a time limit, before a thread is involved; only then
does a2wsgi run the Flask app (Bolt's acks, unchanged) on its thread pool. Slow
or huge requests cost a coroutine and at most CROSSCHECK_MAX_REQUEST_BYTES of
memory, never a thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, cast

from a2wsgi import WSGIMiddleware

from bot.core import Engine
from bot.settings import Settings
from bot.slack import web

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

BODY_SECONDS = 10  # to receive a whole body; Slack sends its few kilobytes at once
# Threads running the Flask app: each request holds one only for its ack (milliseconds).
REQUEST_THREADS = 16


class BufferedRequests:
    """ASGI middleware: a request reaches `app` only once its whole body is here.

    A body declared or found larger than `max_bytes` gets 413 (as soon as that is
    known, without reading the rest), one not complete within `seconds` gets 408;
    the app then sees the body with its Content-Length, whatever the transfer encoding was.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, seconds: float = BODY_SECONDS) -> None:
        self.app, self.max_bytes, self.seconds = app, max_bytes, seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = [(k, v) for k, v in scope["headers"] if k not in (b"content-length", b"transfer-encoding")]
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.max_bytes:
            await _plain(send, 413, f"the body is over {self.max_bytes} bytes")
            return
        body = bytearray()
        try:
            async with asyncio.timeout(self.seconds):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return
                    body += message.get("body", b"")
                    if len(body) > self.max_bytes:
                        await _plain(send, 413, f"the body is over {self.max_bytes} bytes")
                        return
                    if not message.get("more_body"):
                        break
        except TimeoutError:
            await _plain(send, 408, f"the body did not arrive within {self.seconds:g} s")
            return
        buffered = {**scope, "headers": [*headers, (b"content-length", str(len(body)).encode())]}
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()  # the disconnect, when the client goes
            sent = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.app(buffered, replay, send)


async def _plain(send: Send, status: int, reason: str) -> None:
    data = (reason + "\n").encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(data)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": data})


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> BufferedRequests:
    """The ASGI app for the web line: the Flask app of web.create_app behind BufferedRequests.

    Exits with status 3 on a missing or invalid setting, as web.create_app does.
    """
    flask = web.create_app(settings, engine)
    wsgi = cast(ASGIApp, WSGIMiddleware(flask, workers=REQUEST_THREADS))  # type: ignore[arg-type]
    return BufferedRequests(wsgi, max_bytes=int(flask.config["MAX_CONTENT_LENGTH"]))
