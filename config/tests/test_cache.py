"""The project's Redis cache (config/cache.py): one client per pool, and any
key Redis takes."""

import os

import pytest
import redis

from config.cache import RedisCache
from conftest import needs_service

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
#: Longer than memcached's 250 characters.
LONG_KEY = "group:1:2:card:" + "x" * 300


@pytest.fixture
def redis_cache():
    try:
        reachable = redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError:
        reachable = False
    needs_service(reachable, f"Redis at {REDIS_URL}")
    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": "test-config-cache"})
    yield cache
    # Only this test's keys: clear() would empty the whole Redis database.
    cache.delete_many(["a key with spaces", LONG_KEY, "x"])


def test_keys_memcached_would_refuse_are_kept_without_a_warning(redis_cache):
    # Warnings are errors in the test run: a CacheKeyWarning would fail here.
    redis_cache.set_many({"a key with spaces": 1, LONG_KEY: 2})
    assert redis_cache.get_many(["a key with spaces", LONG_KEY]) == {
        "a key with spaces": 1,
        LONG_KEY: 2,
    }


def test_one_client_serves_every_operation(redis_cache):
    redis_cache.set("x", 1)
    client = redis_cache._cache.get_client("x")
    assert redis_cache.get("x") == 1
    assert redis_cache._cache.get_client("x", write=True) is client
