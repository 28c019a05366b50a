"""What was answered already, so a request Slack sends again is answered once.

Slack retries an event it thinks was not acknowledged (after about 0 s, 1 min
and 5 min), and a signed request can be replayed. The listeners' middleware asks
`first_time(key)` for each request's key (its event_id or trigger_id) before
answering. With one process, an in-process memory is enough (EventMemory). With
several workers or dynos, a retry can reach another process, so the memory must
be shared: with CROSSCHECK_REDIS_URL (or REDIS_URL, as hosts' Redis add-ons set
it) it is Redis, where `SET key NX EX` decides atomically which process answers.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

from bot.settings import Settings, SettingsError

if TYPE_CHECKING:
    import redis

log = logging.getLogger(__name__)

# Slack retries an event after about 0 s, 1 min and 5 min; an hour covers them all.
EVENT_MEMORY_SECONDS = 3600
EVENT_MEMORY_SIZE = 10_000
REDIS_PREFIX = "crosscheck:answered:"
REDIS_TIMEOUT = 2  # seconds: an ack must not wait long on the memory


class Memory(Protocol):
    """Remembers request keys; True from `first_time` means: this process answers it."""

    def first_time(self, key: str) -> bool: ...


class EventMemory:
    """Request keys seen lately by this process (an hour, at most 10,000 of them)."""

    def __init__(self, seconds: float = EVENT_MEMORY_SECONDS, size: int = EVENT_MEMORY_SIZE) -> None:
        self.seconds, self.size = seconds, size
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, key: str) -> bool:
        """True the first time a key is seen (and remembers it), False after."""
        now = time.monotonic()
        with self._lock:
            while self._seen and (
                len(self._seen) >= self.size or next(iter(self._seen.values())) < now - self.seconds
            ):
                self._seen.popitem(last=False)
            if key in self._seen:
                return False
            self._seen[key] = now
            return True


class RedisMemory:
    """Request keys in Redis, shared by every process using the same server and database.

    When Redis cannot be reached, the request is answered (once per process, from an
    in-process memory) and a warning logged: better twice than never.
    """

    def __init__(self, client: redis.Redis, seconds: float = EVENT_MEMORY_SECONDS) -> None:
        self.client, self.seconds = client, seconds
        self._fallback = EventMemory(seconds)
        self._failing = False

    def first_time(self, key: str) -> bool:
        import redis

        try:
            fresh = bool(self.client.set(REDIS_PREFIX + key, b"1", nx=True, ex=int(self.seconds)))
        except redis.RedisError as exc:
            if not self._failing:
                log.warning(
                    "Redis cannot be reached (%s); remembering answered requests in this process", exc
                )
            self._failing = True
            return self._fallback.first_time(key)
        if self._failing:
            log.warning("Redis answers again; answered requests are shared again")
            self._failing = False
        return fresh and self._fallback.first_time(key)


def memory_for(settings: Settings) -> Memory:
    """Redis when CROSSCHECK_REDIS_URL (or REDIS_URL) is set, else this process's memory.

    Raises SettingsError when the URL is invalid or nothing answers there at start-up.
    """
    url = settings.redis_url.get_secret_value() if settings.redis_url else ""
    if not url:
        return EventMemory()
    import redis

    where = _where(url)
    try:
        client = redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT)
        client.ping()
    except ValueError as exc:
        raise SettingsError(
            f"CROSSCHECK_REDIS_URL is not a Redis URL ({exc}). Use redis://HOST:PORT/DB or rediss://..."
        ) from None
    except redis.RedisError as exc:
        raise SettingsError(
            f"Cannot reach Redis at {where} (CROSSCHECK_REDIS_URL or REDIS_URL): {exc}. Start it, fix "
            "the URL, or unset both to remember answered requests in-process (one worker only)."
        ) from None
    log.info("Answered requests are remembered in Redis at %s", where)
    return RedisMemory(client)


def _where(url: str) -> str:
    """A Redis URL without its password, for messages."""
    try:
        parts = urlsplit(url)
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "the URL given"
    return f"{parts.scheme}://{parts.hostname or ''}{port}{parts.path}"
