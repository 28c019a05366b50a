"""Where a request may come from and where its answer may go.

A signed request is from Slack, but not necessarily for this app's workspace (a
signing secret can leak; an app can be installed in more than one place), and a
payload's `response_url` is only data in it: the app must never be made to post
to a host of the sender's choosing. So a request is answered only when it is for
the workspace the bot token belongs to (and, when SLACK_APP_ID is set, this app),
and answers go only to Slack's hosts or to SLACK_API_URL's (the fake Slack of
the tests, a proxy in front of Slack).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from slack_bolt import BoltContext

# Where Slack's response URLs live: hooks.slack.com, and GovSlack's.
SLACK_HOOK_HOSTS = frozenset({"hooks.slack.com", "hooks.slack-gov.com"})


def answer_url_allowed(url: str, api_url: str) -> bool:
    """True when `url` is an https URL on Slack's response-URL hosts, or on SLACK_API_URL's
    scheme, host and port."""
    try:
        parts, api = urlsplit(url), urlsplit(api_url)
        port, api_port = parts.port, api.port
    except ValueError:  # a port that is not a number
        return False
    if parts.username or parts.password:
        return False
    if parts.scheme == "https" and (parts.hostname or "") in SLACK_HOOK_HOSTS and port in (None, 443):
        return True
    return (parts.scheme, parts.hostname, port) == (api.scheme, api.hostname, api_port) and bool(
        parts.hostname
    )


def response_urls(body: dict[str, Any]) -> Iterable[str]:
    """Every response URL a payload carries (commands and buttons: `response_url`; modals:
    `response_urls`)."""
    if body.get("response_url") is not None:
        yield str(body["response_url"])
    for entry in body.get("response_urls") or []:
        if isinstance(entry, dict) and entry.get("response_url") is not None:
            yield str(entry["response_url"])


def foreign(body: dict[str, Any], context: BoltContext, app_id: str | None) -> str | None:
    """Why a request is not for this installation (another workspace, another app), or None."""
    installed = context.authorize_result
    if installed is None:  # Bolt authorizes every request before the app's middleware runs
        return "the request was not authorized"
    if app_id and body.get("api_app_id") not in (None, app_id):
        return f"it is for app {body.get('api_app_id')}, not {app_id}"
    org_wide = bool(installed.enterprise_id) and context.is_enterprise_install
    if org_wide:
        if context.enterprise_id != installed.enterprise_id:
            return f"it is from organization {context.enterprise_id}, not {installed.enterprise_id}"
    elif context.team_id != installed.team_id:
        return f"it is from workspace {context.team_id}, not {installed.team_id}"
    return None
