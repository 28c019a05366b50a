"""Fixtures of the Slack tests: a fake Slack on loopback, the real app served against it, a sender."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.core.engine import Engine
from bot.settings import Settings
from bot.slack.client import late_notices
from bot.slack.web import create_app
from tests.bot.slack.fake_slack import FakeSlack, SlackSender, serving, slack_settings


@pytest.fixture(autouse=True)
def _no_late_notices_left() -> Iterator[None]:
    """A test's notices for undelivered answers must not reach the next test's fake Slack."""
    yield
    late_notices.cancel_all()


@pytest.fixture(autouse=True)
def _logging_restored() -> Iterator[None]:
    """create_app configures logging for the process; put it back for the other tests."""
    root = logging.getLogger()
    level, formatters = root.level, {h: h.formatter for h in root.handlers}
    noisy = {name: logging.getLogger(name).level for name in ("slack_bolt", "slack_sdk", "urllib3")}
    yield
    root.setLevel(level)
    for handler, formatter in formatters.items():
        handler.setFormatter(formatter)
    for name, value in noisy.items():
        logging.getLogger(name).setLevel(value)


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack()
    yield fake
    fake.close()


@pytest.fixture
def app_url(slack: FakeSlack, settings: Settings, engine: Engine) -> Iterator[str]:
    with serving(create_app(slack_settings(settings, slack), engine)) as url:
        yield url


@pytest.fixture
def sender(app_url: str) -> SlackSender:
    return SlackSender(app_url + "/slack/events")
