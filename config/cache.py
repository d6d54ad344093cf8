"""Django's Redis cache, keeping one client per connection pool.

Django's ``RedisCacheClient`` builds a new ``redis.Redis`` for every
operation, and redis-py sets up some 170 response callbacks in each: about
a tenth of a millisecond, as much as the round trip to a local Redis. A
client is safe to share between threads (connections come from its pool),
so one per pool is kept instead.

Keys are not checked against memcached's rules either (250 characters, no
spaces or control characters): Redis takes any key, and the check reads
every character of every key, twenty-odd keys a list page.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    def validate_key(self, key):
        """Any key will do (see above)."""
