"""config/slack_manifest*.yaml: the app manifests create, in one paste, an app that matches the code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.settings import PROJECT_ROOT, load_settings

HTTP = PROJECT_ROOT / "config" / "slack_manifest.yaml"
SOCKET = PROJECT_ROOT / "config" / "slack_manifest.socket.yaml"
PLACEHOLDER = "https://crosscheck.example.com/slack/events"


def manifest(path: Path) -> dict[str, Any]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict), f"expected a mapping in {path}, got {type(loaded).__name__}"
    return loaded


@pytest.mark.parametrize("path", [HTTP, SOCKET], ids=["http", "socket"])
def test_manifest_has_the_bot_user_scopes_events_command_and_interactivity(path: Path) -> None:
    m = manifest(path)
    assert m["features"]["bot_user"]["display_name"] == "Crosscheck"
    assert m["features"]["app_home"]["messages_tab_enabled"] is True, "expected DMs to the bot allowed"
    scopes = set(m["oauth_config"]["scopes"]["bot"])
    needed = {"app_mentions:read", "chat:write", "commands", "im:history", "channels:history"}
    assert needed <= scopes, f"expected scopes {sorted(needed)}, got {sorted(scopes)}"
    events = set(m["settings"]["event_subscriptions"]["bot_events"])
    expected = {"app_mention", "message.im", "message.channels", "app_home_opened", "file_shared"}
    assert events == expected, f"expected {sorted(expected)}, got {sorted(events)}"
    assert m["features"]["app_home"]["home_tab_enabled"] is True, "expected the Home tab on"
    commands = [c["command"] for c in m["features"]["slash_commands"]]
    assert commands == [load_settings().slash_command], f"expected the default slash command, got {commands}"
    assert m["settings"]["interactivity"]["is_enabled"] is True, "expected interactivity for the buttons"
    assert len(m["display_information"]["description"]) <= 140, "Slack allows 140 characters"


def test_http_manifest_sends_everything_to_slack_events_on_a_placeholder_host() -> None:
    m = manifest(HTTP)
    urls = [
        m["settings"]["event_subscriptions"]["request_url"],
        m["settings"]["interactivity"]["request_url"],
        *(c["url"] for c in m["features"]["slash_commands"]),
    ]
    assert urls == [PLACEHOLDER] * 3, f"expected every request URL to be {PLACEHOLDER}, got {urls}"
    assert m["settings"]["socket_mode_enabled"] is False


def test_socket_manifest_turns_socket_mode_on_and_needs_no_urls() -> None:
    m = manifest(SOCKET)
    assert m["settings"]["socket_mode_enabled"] is True
    assert "example.com" not in SOCKET.read_text(encoding="utf-8"), "expected no request URLs in Socket Mode"


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("web", "bot.slack.asgi:create_app()"), ("worker", "bot socket"), ("release", "bot index build")],
)
def test_procfile_runs_the_web_server_the_socket_worker_and_builds_the_index(
    kind: str, expected: str
) -> None:
    lines = dict(
        line.split(":", 1) for line in (PROJECT_ROOT / "Procfile").read_text().splitlines() if ":" in line
    )
    assert expected in lines[kind], f"expected {expected!r} in the {kind} line, got {lines[kind]!r}"
    if kind == "web":
        assert "0.0.0.0:$PORT" in lines["web"] and "gunicorn" in lines["web"], lines["web"]
