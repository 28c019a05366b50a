"""A web server on loopback serving saved news pages and misbehaving on purpose, for the add tests.

Paths: /pages/<file> (tests/data/pages), /pdf (a PDF), /huge (an endless body without a
Content-Length), /declared-huge (a 50 MB Content-Length), /slow (answers after 5 s),
/redirect/<n> (n redirects, then the USNewsMag page), /text (a plain-text article),
/missing (404), /to-link-local (a redirect to 169.254.169.254).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PAGES = Path(__file__).parent / "data" / "pages"
SLOW_SECONDS = 5

TEXT_ARTICLE = (
    "Militia vows revenge after Baghdad strike\n\n"
    "Kataib Hezbollah said on Thursday it would avenge the commander killed in the drone strike "
    "in Baghdad.\n\n"
    "The group said in a statement that six of its members were killed in the strike, a higher toll than "
    "any given before, and that the United States would pay for the attack.\n\n"
    "Iraqi officials did not confirm the figure. The strike hit a car in the Mashtal district of the capital "
    "on Wednesday evening, according to security sources.\n"
)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    hits: list[str]

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.hits.append(self.path)
        path = self.path.split("?", 1)[0]
        if path.startswith("/pages/"):
            file = PAGES / path.removeprefix("/pages/")
            if file.is_file():
                return self._send(200, file.read_bytes(), "text/html; charset=utf-8")
        elif path == "/text":
            return self._send(200, TEXT_ARTICLE.encode(), "text/plain; charset=utf-8")
        elif path == "/pdf":
            return self._send(200, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "application/pdf")
        elif path == "/declared-huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(50_000_000))
            self.end_headers()
            self.wfile.write(b"<html><body>" + b"x" * 1000)
            return
        elif path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"<p>" + b"word " * 2000 + b"</p>"
            try:
                for _ in range(50_000_000 // len(chunk)):
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            except OSError:
                pass  # the client stopped reading, as it should
            return
        elif path == "/slow":
            time.sleep(SLOW_SECONDS)
            return self._send(200, (PAGES / "usnewsmag_followup.html").read_bytes(), "text/html")
        elif path.startswith("/redirect/"):
            n = int(path.rsplit("/", 1)[1])
            target = f"/redirect/{n - 1}" if n > 1 else "/pages/usnewsmag_followup.html"
            return self._redirect(target)
        elif path == "/to-link-local":
            return self._redirect("http://169.254.169.254/latest/meta-data/")
        self._send(404, b"not found", "text/plain")

    def _redirect(self, target: str) -> None:
        self.send_response(302)
        self.send_header("Location", target)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class PageServer:
    def __init__(self, server: ThreadingHTTPServer, hits: list[str]) -> None:
        self.server, self.hits = server, hits

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.root + path


@contextmanager
def serving_pages() -> Iterator[PageServer]:
    """The page server on a free loopback port, for the duration of the block."""
    hits: list[str] = []
    handler = type("Handler", (_Handler,), {"hits": hits})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield PageServer(server, hits)
    finally:
        server.shutdown()
        server.server_close()
