"""Calls per user per window, counted in Django's cache.

Each caller has a counter per fixed window (``PINBOARD_API_RATE_WINDOW``
seconds, 60 by default) that may reach ``PINBOARD_API_RATE_LIMIT`` (60):
a burst of 60 calls is fine, then the caller waits for the next window.
posts/all, which reads a whole library, costs ``PINBOARD_API_ALL_COST``
calls (10), so at most six a minute; Pinboard asks for one call in three
seconds and one posts/all in five minutes, so clients written for it never
meet our limit. Calls that fail to authenticate are counted per client
address (``PINBOARD_API_AUTH_FAILURE_LIMIT``, 20 a window), so guessing
tokens is slow; password guesses are also counted by django-axes.

The counter is ``cache.add`` then ``cache.incr``, both atomic on Redis, so
every web process on every machine shares one count (the local-memory cache
used without ``REDIS_URL`` counts per process, under a lock). Over the
limit, the answer is 429 with ``Retry-After``: the seconds until the window
ends."""

import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

#: Defaults of the settings named above.
DEFAULTS = {
    "PINBOARD_API_RATE_LIMIT": 60,
    "PINBOARD_API_RATE_WINDOW": 60,
    "PINBOARD_API_ALL_COST": 10,
    "PINBOARD_API_AUTH_FAILURE_LIMIT": 20,
}


def setting(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))


@dataclass
class Limited(Exception):
    """Over the limit: try again in ``retry_after`` seconds."""

    retry_after: int


def _window(key: str) -> tuple[str, int, int]:
    """The counter of the current window for ``key``, the window's length,
    and the seconds until it ends."""
    window = max(1, setting("PINBOARD_API_RATE_WINDOW"))
    now = time.time()
    index = int(now // window)
    wait = max(1, math.ceil((index + 1) * window - now))
    return f"pinboard-api:rate:{key}:{index}", window, wait


def charge(key: str, *, cost: int = 1, limit: int | None = None) -> None:
    """Count ``cost`` calls against ``key`` in the current window. Raises
    Limited when the window's count passes the limit."""
    limit = setting("PINBOARD_API_RATE_LIMIT") if limit is None else limit
    cost = min(cost, limit)  # a cost above the limit could never be paid
    counter, window, wait = _window(key)
    try:
        # The counter outlives its window a little, so a late incr still finds it.
        cache.add(counter, 0, timeout=window + 5)
        used = cache.incr(counter, cost)
    except ValueError:  # evicted between add and incr: count again from here
        cache.set(counter, cost, timeout=window + 5)
        used = cost
    except Exception:
        # A cache that is down must not take the API with it; say so loudly.
        logger.exception("The API rate limit could not be counted; the call goes through.")
        return
    if used > limit:
        raise Limited(retry_after=wait)


def peek(key: str, *, limit: int) -> None:
    """Raise Limited if ``key`` has used up ``limit`` already, without counting."""
    counter, _window_length, wait = _window(key)
    try:
        used = cache.get(counter, 0)
    except Exception:
        logger.exception("The API rate limit could not be read; the call goes through.")
        return
    if used >= limit:
        raise Limited(retry_after=wait)
