"""Start-up with missing, invalid or rejected Slack settings: stop, name the variable, say how to set it.

`create_app()` is what the Procfile's web line runs under gunicorn: it reads the
environment, and on a bad setting prints the fix and exits with status 3 (gunicorn
then stops instead of restarting the worker). `crosscheck serve|socket` exit with 2.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError, load_settings
from bot.slack.runners import run_server
from bot.slack.web import WORKER_BOOT_ERROR, create_app
from bot.terminal.cli import main
from tests.bot.slack.fake_slack import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, FakeSlack


@pytest.fixture
def env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, settings: Settings, slack: FakeSlack
) -> pytest.MonkeyPatch:
    """A complete environment as on a PaaS (Slack pointed at the fake); tests take parts away."""
    import os

    for name in list(os.environ):
        if name.startswith(("SLACK_", "CROSSCHECK_")) or name == "PORT":
            monkeypatch.delenv(name)
    monkeypatch.setenv("CROSSCHECK_CONFIG_DIR", str(tmp_path))  # no config/settings.toml
    monkeypatch.setenv("CROSSCHECK_INDEX_DIR", str(settings.index_dir))
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_API_URL", slack.base_url)
    return monkeypatch


def boot_failure(capsys: pytest.CaptureFixture[str]) -> str:
    """create_app()'s exit: status 3 and the message; the message never shows a secret."""
    with pytest.raises(SystemExit) as stopped:
        create_app()
    assert stopped.value.code == WORKER_BOOT_ERROR, f"expected exit status 3, got {stopped.value.code!r}"
    message = capsys.readouterr().err
    for secret in (BOT_TOKEN, SIGNING_SECRET, APP_TOKEN):
        assert secret not in message, f"expected no secret in {message!r}"
    return message


def test_create_app_boots_with_a_complete_environment(env: pytest.MonkeyPatch) -> None:
    app = create_app()
    assert {r.rule for r in app.url_map.iter_rules()} >= {"/slack/events", "/healthz"}


@pytest.mark.parametrize(
    ("unset", "named"),
    [
        (
            ["SLACK_BOT_TOKEN"],
            ["SLACK_BOT_TOKEN: the Bot User OAuth Token (xoxb-...) from OAuth & Permissions"],
        ),
        (["SLACK_SIGNING_SECRET"], ["SLACK_SIGNING_SECRET: the Signing Secret from Basic Information"]),
        (["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"], ["SLACK_BOT_TOKEN:", "SLACK_SIGNING_SECRET:"]),
    ],
)
def test_a_missing_slack_setting_stops_start_up_naming_it(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], unset: list[str], named: list[str]
) -> None:
    for name in unset:
        env.delenv(name)
    message = boot_failure(capsys)
    assert "Set these environment variables" in message, message
    for part in named:
        assert part in message, f"expected {part!r} in {message!r}"


@pytest.mark.parametrize(
    ("name", "value", "named"),
    [
        ("SLACK_API_URL", "slack.com/api", "SLACK_API_URL: Value error, must be an http(s) URL"),
        ("PORT", "99999", "PORT:"),
        (
            "CROSSCHECK_SLASH_COMMAND",
            "crosscheck",
            "CROSSCHECK_SLASH_COMMAND: Value error, must look like /crosscheck",
        ),
        ("CROSSCHECK_CORPUS", "/nowhere/at/all", "CROSSCHECK_CORPUS: /nowhere/at/all is not a folder"),
    ],
)
def test_an_invalid_setting_stops_start_up_naming_it(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], name: str, value: str, named: str
) -> None:
    env.setenv(name, value)
    message = boot_failure(capsys)
    assert named in message, f"expected {named!r} in {message!r}"


def test_a_bot_token_slack_rejects_stops_start_up_naming_it(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env.setenv("SLACK_BOT_TOKEN", "xoxb-not-the-right-one")
    message = boot_failure(capsys)
    assert "Slack rejected SLACK_BOT_TOKEN" in message and "invalid_auth" in message, message
    assert "xoxb-not-the-right-one" not in message, f"expected the token hidden, got {message!r}"


def test_an_unreachable_slack_api_url_stops_start_up_naming_it(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env.setenv("SLACK_API_URL", f"http://127.0.0.1:{port}/api/")
    message = boot_failure(capsys)
    assert f"Cannot reach the Slack Web API at SLACK_API_URL=http://127.0.0.1:{port}/api/" in message, message


@pytest.mark.parametrize(
    ("app_token", "expected"),
    [
        (None, "SLACK_APP_TOKEN: an app-level token (xapp-...) with connections:write"),
        (BOT_TOKEN, "SLACK_APP_TOKEN must be an app-level token starting with xapp-"),
        ("xapp-1-A1-999-not-the-right-one", "Slack rejected SLACK_APP_TOKEN (invalid_auth)"),
    ],
    ids=["missing", "a bot token", "rejected"],
)
def test_socket_mode_needs_an_app_token_slack_accepts(
    env: pytest.MonkeyPatch, app_token: str | None, expected: str
) -> None:
    if app_token:
        env.setenv("SLACK_APP_TOKEN", app_token)
    env.delenv("SLACK_SIGNING_SECRET")  # Socket Mode does without
    with pytest.raises(SettingsError) as failure:
        run_server(load_settings(), socket_mode=True)
    assert expected in str(failure.value), f"expected {expected!r}, got {failure.value}"
    assert not app_token or app_token not in str(failure.value), "expected the token hidden"


@pytest.mark.parametrize(
    ("command", "unset", "named"),
    [
        ("serve", "SLACK_SIGNING_SECRET", "SLACK_SIGNING_SECRET:"),
        ("socket", "SLACK_APP_TOKEN", "SLACK_APP_TOKEN:"),
    ],
)
def test_crosscheck_serve_and_socket_exit_2_naming_a_missing_setting(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: str, unset: str, named: str
) -> None:
    env.delenv(unset, raising=False)
    code = main([command])
    message = capsys.readouterr().err
    assert code == 2, f"expected exit code 2, got {code}"
    assert named in message, f"expected {named!r} in {message!r}"
