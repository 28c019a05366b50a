"""A fake Slack on loopback, and a sender that calls the app the way Slack does.

FakeSlack serves, on 127.0.0.1:
  /api/<method>     the Web API (auth.test, chat.postMessage, views.open, views.publish,
                    apps.connections.open), checking the bot token (and views against
                    slack_sdk's View limits); every call is recorded
  /hooks/<id>       response URLs (hand them out with `response_url()`); posts are recorded
  a WebSocket       Socket Mode: `send_envelope()` pushes to the app, acks are recorded
Failures can be queued per path (`fail(...)`): an HTTP status with headers, or a
dropped connection, to exercise the app's retry handlers; `hang(...)` delays answers.

SlackSender signs requests with slack_sdk's SignatureVerifier and posts events,
slash commands and button clicks to the app's real HTTP endpoint.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from slack_sdk.signature import SignatureVerifier

from bot.settings import Settings, load_settings

BOT_TOKEN = "xoxb-1111-2222-fake-bot-token"
APP_TOKEN = "xapp-1-A111-2222-fake-app-token"
SIGNING_SECRET = "fake-signing-secret-8f3a9c"
VERIFICATION_TOKEN = "legacy-verification-token-XYZ"
BOT_USER_ID = "UBOT0001"
BOT_ID = "BBOT0001"
TEAM_ID = "T0000001"
API_APP_ID = "A0000001"


@dataclass
class Call:
    """One request the fake received."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    at: float = field(default_factory=time.monotonic)

    @property
    def method(self) -> str:
        return self.path.removeprefix("/api/")


class FakeSlack:
    """Slack's side of the conversation, on loopback; see the module docstring."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.socket_acks: list[dict[str, Any]] = []
        self._failures: dict[str, list[tuple[int | None, dict[str, str]]]] = {}
        self._hangs: dict[str, list[float]] = {}
        self._changed = threading.Condition()
        self._ts = itertools.count(1)
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._http.daemon_threads = True
        threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-slack", daemon=True
        ).start()
        self._ws: _WebSocketServer | None = None
        self.files: dict[str, tuple[dict[str, Any], bytes]] = {}

    def add_file(self, file_id: str, name: str, content: bytes) -> None:
        """A file users shared: files.info describes it, GET /files/<id>/<name> serves it (with the token)."""
        url = f"{self.root}/files/{file_id}/{name}"
        info = {
            "id": file_id,
            "name": name,
            "size": len(content),
            "url_private": url,
            "url_private_download": url,
        }
        self.files[file_id] = (info, content)

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self._http.server_address[1]}"

    @property
    def base_url(self) -> str:
        """What SLACK_API_URL is set to."""
        return f"{self.root}/api/"

    def response_url(self) -> str:
        """A fresh response URL served by this fake (Slack's are on hooks.slack.com)."""
        return f"{self.root}/hooks/{uuid.uuid4().hex}"

    def fail(
        self, path: str, status: int | None, headers: dict[str, str] | None = None, times: int = 1
    ) -> None:
        """The next `times` requests to `path` fail with `status` (and headers); None drops the connection."""
        self._failures.setdefault(path, []).extend([(status, headers or {})] * times)

    def hang(self, path: str, seconds: float, times: int = 1) -> None:
        """The next `times` requests to `path` wait `seconds` for an answer (a hung Slack)."""
        self._hangs.setdefault(path, []).extend([seconds] * times)

    def posts(self, method: str = "chat.postMessage") -> list[Call]:
        """Successful Web API calls of one method, oldest first."""
        with self._changed:
            return [c for c in self.calls if c.method == method and not c.body.get("_failed")]

    def hook_posts(self, url: str | None = None) -> list[Call]:
        """Messages posted to response URLs (to one of them, given `url`), oldest first."""
        path = urllib.parse.urlsplit(url).path if url else "/hooks/"
        with self._changed:
            return [c for c in self.calls if c.path.startswith(path) and not c.body.get("_failed")]

    def attempts(self, path: str) -> list[Call]:
        """Every request to a path, failed ones included."""
        with self._changed:
            return [c for c in self.calls if c.path == path]

    def wait_for(self, what: Callable[[], list[Any]], count: int = 1, timeout: float = 20) -> list[Any]:
        """Wait until `what()` returns at least `count` items; returns them (fewer on timeout)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(found := what()) < count and time.monotonic() < deadline:
                self._changed.wait(0.05)
        return found

    def settle(self, seconds: float = 1.0) -> None:
        """Give the app time to send anything it would send (for asserting that nothing came)."""
        time.sleep(seconds)

    def _record(self, call: Call) -> None:
        with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    # --- Socket Mode -------------------------------------------------------------------------------

    def socket_url(self) -> str:
        if self._ws is None:
            self._ws = _WebSocketServer(self)
        return f"ws://127.0.0.1:{self._ws.port}/link/?ticket=fake"

    def wait_for_socket(self, timeout: float = 20) -> bool:
        """Wait until the app has connected over Socket Mode."""
        self.socket_url()
        assert self._ws is not None
        return self._ws.connected.wait(timeout)

    def send_envelope(
        self, kind: str, payload: dict[str, Any], accepts_response_payload: bool = False
    ) -> str:
        """Push an envelope (events_api, slash_commands, interactive) to the app; returns its id."""
        assert self._ws is not None, "the app has not connected over Socket Mode"
        envelope_id = uuid.uuid4().hex
        self._ws.send_text(
            json.dumps(
                {
                    "envelope_id": envelope_id,
                    "type": kind,
                    "payload": payload,
                    "accepts_response_payload": accepts_response_payload,
                    "retry_attempt": 0,
                }
            )
        )
        return envelope_id

    def _socket_ack(self, message: dict[str, Any]) -> None:
        with self._changed:
            self.socket_acks.append(message)
            self._changed.notify_all()

    def close(self) -> None:
        self._http.shutdown()
        self._http.server_close()
        if self._ws:
            self._ws.close()

    # --- HTTP ---------------------------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                path = urllib.parse.urlsplit(self.path).path
                fake._record(Call(path, {k.lower(): v for k, v in self.headers.items()}, {}))
                found = fake.files.get(path.split("/")[2] if path.startswith("/files/") else "")
                if found is None or self.headers.get("Authorization") != f"Bearer {BOT_TOKEN}":
                    self._send(404 if found is None else 403, {"ok": False})
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(found[1])))
                self.end_headers()
                self.wfile.write(found[1])

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = _parse_body(raw, self.headers.get("Content-Type") or "")
                path = urllib.parse.urlsplit(self.path).path
                call = Call(path, {k.lower(): v for k, v in self.headers.items()}, body)
                hangs = fake._hangs.get(path)
                if hangs:
                    time.sleep(hangs.pop(0))
                failures = fake._failures.get(path)
                if failures:
                    status, headers = failures.pop(0)
                    call.body = {**body, "_failed": status or "dropped"}
                    fake._record(call)
                    if status is None:  # a dropped connection: no response at all
                        self.close_connection = True
                        self.connection.shutdown(socket.SHUT_RDWR)
                        return
                    self._send(status, {"ok": False, "error": "fake_failure"}, headers)
                    return
                fake._record(call)
                if path.startswith("/hooks/"):
                    self._send(200, "ok")
                elif path.startswith("/api/"):
                    self._send(200, fake._api(call))
                else:
                    self._send(404, {"ok": False, "error": "not_found"})

            def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
                data = (payload if isinstance(payload, str) else json.dumps(payload)).encode()
                self.send_response(status)
                kind = "text/plain" if isinstance(payload, str) else "application/json; charset=utf-8"
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def _api(self, call: Call) -> dict[str, Any]:
        token = call.headers.get("authorization", "").removeprefix("Bearer ") or call.body.get("token", "")
        if call.method == "apps.connections.open":
            if token != APP_TOKEN:
                return {"ok": False, "error": "invalid_auth"}
            return {"ok": True, "url": self.socket_url()}
        if token != BOT_TOKEN:
            return {"ok": False, "error": "invalid_auth"}
        if call.method == "auth.test":
            return {
                "ok": True,
                "url": "https://fake.slack.com/",
                "team": "Fake",
                "user": "crosscheck",
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
                "is_enterprise_install": False,
            }
        if call.method == "files.info":
            found = self.files.get(str(call.body.get("file")))
            return {"ok": True, "file": found[0]} if found else {"ok": False, "error": "file_not_found"}
        if call.method == "chat.postMessage":
            ts = f"{int(time.time())}.{next(self._ts):06d}"
            return {
                "ok": True,
                "channel": call.body.get("channel"),
                "ts": ts,
                "message": {"text": call.body.get("text"), "ts": ts, "bot_id": BOT_ID},
            }
        if call.method in ("views.open", "views.publish"):
            # Slack refuses a view past its limits; so does the fake, for the limits slack_sdk knows.
            from slack_sdk.models.views import View

            raw = call.body.get("view")
            view: dict[str, Any] = json.loads(raw) if isinstance(raw, str) else raw or {}
            if call.method == "views.open" and not call.body.get("trigger_id"):
                return {"ok": False, "error": "invalid_trigger_id"}
            if call.method == "views.publish" and not call.body.get("user_id"):
                return {"ok": False, "error": "invalid_arguments"}
            try:
                View(**view).to_dict()
            except Exception as exc:
                return {"ok": False, "error": "invalid_arguments", "detail": str(exc)}
            return {"ok": True, "view": {"id": f"V{next(self._ts):08d}", **view}}
        return {"ok": False, "error": "unknown_method"}


def _parse_body(raw: bytes, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    if "json" in content_type:
        return json.loads(raw)
    form = dict(urllib.parse.parse_qsl(raw.decode()))
    for key in ("blocks", "payload"):
        if key in form:
            form[key] = json.loads(form[key])
    return form


class _WebSocketServer:
    """Just enough of RFC 6455 for slack_sdk's built-in Socket Mode client: one connection."""

    GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    def __init__(self, fake: FakeSlack) -> None:
        self.fake = fake
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connected = threading.Event()
        self.conn: socket.socket | None = None
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, name="fake-slack-ws", daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = conn.recv(4096)
            if not chunk:
                return
            request += chunk
        headers = dict(line.split(": ", 1) for line in request.decode().split("\r\n")[1:] if ": " in line)
        key = {k.lower(): v for k, v in headers.items()}["sec-websocket-key"].strip()
        accept = base64.b64encode(hashlib.sha1((key + self.GUID).encode()).digest()).decode()
        conn.sendall(
            f"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Accept: {accept}\r\n\r\n".encode()
        )
        self.conn = conn
        self.send_text(
            json.dumps({"type": "hello", "num_connections": 1, "connection_info": {"app_id": API_APP_ID}})
        )
        self.connected.set()
        try:
            while True:
                opcode, data = self._read_frame(conn)
                if opcode == 0x8:  # close
                    self._send(0x8, data)
                    return
                if opcode == 0x9:  # ping
                    self._send(0xA, data)
                elif opcode == 0x1:
                    self.fake._socket_ack(json.loads(data))
        except (OSError, ConnectionError):
            return

    @staticmethod
    def _read_exact(conn: socket.socket, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = conn.recv(n - len(data))
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        return data

    def _read_frame(self, conn: socket.socket) -> tuple[int, bytes]:
        first, second = self._read_exact(conn, 2)
        length = second & 0x7F
        if length == 126:
            length = struct.unpack("!H", self._read_exact(conn, 2))[0]
        elif length == 127:
            length = struct.unpack("!Q", self._read_exact(conn, 8))[0]
        mask = self._read_exact(conn, 4) if second & 0x80 else b"\0\0\0\0"
        data = bytes(b ^ mask[i % 4] for i, b in enumerate(self._read_exact(conn, length)))
        return first & 0x0F, data

    def send_text(self, text: str) -> None:
        self._send(0x1, text.encode())

    def _send(self, opcode: int, data: bytes) -> None:
        header = bytes([0x80 | opcode])
        if len(data) < 126:
            header += bytes([len(data)])
        elif len(data) < 65536:
            header += bytes([126]) + struct.pack("!H", len(data))
        else:
            header += bytes([127]) + struct.pack("!Q", len(data))
        with self.lock:
            assert self.conn is not None
            self.conn.sendall(header + data)

    def close(self) -> None:
        self.listener.close()
        if self.conn:
            self.conn.close()


# --- the sender: requests as Slack makes them --------------------------------------------------------


@dataclass
class Reply:
    """The app's HTTP answer to one request."""

    status: int
    body: str
    seconds: float

    def json(self) -> Any:
        return json.loads(self.body)


class SlackSender:
    """Posts signed requests to the app's Slack endpoint, as Slack does."""

    def __init__(self, endpoint: str, signing_secret: str = SIGNING_SECRET) -> None:
        self.endpoint = endpoint
        self.verifier = SignatureVerifier(signing_secret)
        self._ids = itertools.count(1)

    def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """POST `body`, signed with the signing secret unless `signature` is given."""
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        # slack_sdk types the signature as optional; it is None only without a timestamp or body.
        signed = signature or self.verifier.generate_signature(timestamp=stamp, body=body) or ""
        request = urllib.request.Request(
            self.endpoint,
            data=body.encode(),
            method="POST",
            headers={
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": stamp,
                "X-Slack-Signature": signed,
                **(headers or {}),
            },
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return Reply(response.status, response.read().decode(), time.monotonic() - started)
        except urllib.error.HTTPError as exc:
            return Reply(exc.code, exc.read().decode(), time.monotonic() - started)

    def event_body(self, event: dict[str, Any], event_id: str | None = None) -> str:
        return json.dumps(
            {
                "token": VERIFICATION_TOKEN,
                "team_id": TEAM_ID,
                "api_app_id": API_APP_ID,
                "event": event,
                "type": "event_callback",
                "event_id": event_id or f"Ev{next(self._ids):08d}",
                "event_time": int(time.time()),
                "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
            }
        )

    def event(self, event: dict[str, Any], event_id: str | None = None, **kwargs: Any) -> Reply:
        return self.post(self.event_body(event, event_id), "application/json", **kwargs)

    def mention(self, text: str, channel: str = "C0000001", user: str = "U0000001", **extra: Any) -> Reply:
        """An app_mention event: `text` should hold the bot's mention, as Slack's does."""
        ts = f"{time.time():.6f}"
        event = {
            "type": "app_mention",
            "user": user,
            "text": text,
            "ts": ts,
            "channel": channel,
            "event_ts": ts,
            **extra,
        }
        return self.event(event)

    def direct_message(
        self, text: str, channel: str = "D0000001", user: str = "U0000001", **extra: Any
    ) -> Reply:
        ts = f"{time.time():.6f}"
        event = {
            "type": "message",
            "channel_type": "im",
            "user": user,
            "text": text,
            "ts": ts,
            "channel": channel,
            "event_ts": ts,
            **extra,
        }
        return self.event(event)

    def command_body(self, text: str, response_url: str, command: str = "/crosscheck") -> str:
        return urllib.parse.urlencode(
            {
                "token": VERIFICATION_TOKEN,
                "team_id": TEAM_ID,
                "team_domain": "fake",
                "channel_id": "C0000001",
                "channel_name": "general",
                "user_id": "U0000001",
                "user_name": "asker",
                "command": command,
                "text": text,
                "api_app_id": API_APP_ID,
                "response_url": response_url,
                "trigger_id": f"{next(self._ids)}.trigger",
            }
        )

    def command(self, text: str, response_url: str, command: str = "/crosscheck", **kwargs: Any) -> Reply:
        return self.post(
            self.command_body(text, response_url, command), "application/x-www-form-urlencoded", **kwargs
        )

    def click(
        self,
        action_id: str,
        value: str,
        response_url: str,
        user: str = "U0000002",
        thread_ts: str | None = None,
    ) -> Reply:
        """A block_actions payload: `user` clicked the button `action_id` carrying `value`."""
        container = {
            "type": "message",
            "message_ts": "1700000000.000100",
            "channel_id": "C0000001",
            "is_ephemeral": thread_ts is None,
        }
        if thread_ts:
            container["thread_ts"] = thread_ts
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM_ID},
            "user": {"id": user, "team_id": TEAM_ID},
            "api_app_id": API_APP_ID,
            "token": VERIFICATION_TOKEN,
            "container": container,
            "trigger_id": f"{next(self._ids)}.trigger",
            "channel": {"id": "C0000001"},
            "response_url": response_url,
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": "b1",
                    "value": value,
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        body = urllib.parse.urlencode({"payload": json.dumps(payload)})
        return self.post(body, "application/x-www-form-urlencoded")


@contextmanager
def serving(wsgi_app: Any) -> Iterator[str]:
    """Serve a WSGI app on a loopback port (threaded, like gunicorn's gthread); yields its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="app-under-test", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def get(url: str) -> Reply:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return Reply(response.status, response.read().decode(), time.monotonic() - started)
    except urllib.error.HTTPError as exc:
        return Reply(exc.code, exc.read().decode(), time.monotonic() - started)


def message_text(message: dict[str, Any]) -> str:
    """All mrkdwn/plain text of a message's blocks (and its `text`), for assertions."""
    parts = [str(message.get("text", ""))]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text"):
                parts.append(str(node.get("text", "")))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message.get("blocks", []))
    return "\n".join(parts)


def slack_settings(settings: Settings, slack: FakeSlack, **overrides: Any) -> Settings:
    """The session's settings (seed corpus, its index) with Slack pointed at the fake."""
    values: dict[str, Any] = {
        "corpus": settings.corpus,
        "index_dir": settings.index_dir,
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": slack.base_url,
    }
    return load_settings(**(values | overrides))


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_web_line(
    command: str, env: dict[str, str], log: Path, seconds: float = 90
) -> subprocess.Popen[bytes]:
    """Run a Procfile line in a shell of its own session (output to `log`) until /healthz on
    env's PORT answers 200, or the process ends, or `seconds` pass; stop it with stop_web_line."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["bash", "-c", command], cwd=Path(__file__).resolve().parents[3], env=env,
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    url = f"http://127.0.0.1:{env['PORT']}"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if get(url + "/healthz").status == 200:
                break
        except OSError:
            pass
        time.sleep(0.1)
    return process


def stop_web_line(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the line's process group (gunicorn and its workers), then wait for it."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)


def web_line_env(slack: FakeSlack, port: int, index_dir: Path, **extra: str) -> dict[str, str]:
    """The environment the Procfile's web line needs to talk to `slack`: PORT, the Slack
    settings, an already built index, and this interpreter first on PATH (for gunicorn)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CROSSCHECK_"))}
    return env | {
        "PORT": str(port),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.base_url,
        "CROSSCHECK_INDEX_DIR": str(index_dir),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        **extra,
    }
