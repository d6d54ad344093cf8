"""Connections that go only where the guard said, and only for so long.

A requests adapter whose urllib3 connections open their socket to addresses
resolved and checked beforehand, instead of looking the host up again: the
Host header, TLS SNI and certificate checks still use the host name, but DNS
gets no second say (rebinding). A Deadline bounds the whole fetch.
"""

import contextlib
import socket
import threading
import time

from requests.adapters import HTTPAdapter
from urllib3 import PoolManager
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError


class Deadline:
    """The wall-clock limit of one fetch.

    Socket timeouts start afresh with every recv(), so a server that drips a
    byte a second never trips them, whether in the headers, a chunk-size line
    or the body. When the time is up a timer thread shuts down every
    connection the fetch opened, which ends any read in progress.
    """

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._end = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._fired = False
        self._sockets: list[socket.socket] = []
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return max(self._end - time.monotonic(), 0.0)

    @property
    def expired(self) -> bool:
        return self._fired or self.remaining() <= 0

    def watch(self, sock: socket.socket) -> None:
        # A duplicate descriptor, because wrapping a socket in TLS detaches the
        # original object; shutdown() through either ends reads on both.
        with self._lock:
            self._sockets.append(sock.dup())
            if self._fired:
                self._shutdown(self._sockets[-1])

    def close(self) -> None:
        self._timer.cancel()
        self._timer.join()
        with self._lock:
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()

    def _expire(self) -> None:
        with self._lock:
            self._fired = True
            for sock in self._sockets:
                self._shutdown(sock)

    @staticmethod
    def _shutdown(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):  # already closed by the other side
            sock.shutdown(socket.SHUT_RDWR)


class Pin:
    """Where the connections of one hop may go: the checked addresses of one host."""

    def __init__(self, *, host: str, addresses: tuple[str, ...], deadline: Deadline):
        self.host = host
        self.addresses = addresses
        self.deadline = deadline
        self.connected_address: str | None = None

    def connect(self, conn: HTTPConnection) -> socket.socket:
        """Open the socket for ``conn`` to the first checked address that answers."""
        if conn.host.rstrip(".").lower() != self.host.rstrip(".").lower():
            # Cannot happen while requests and urllib3 agree on the URL; if one
            # day they do not, fail closed rather than connect for another host.
            raise NewConnectionError(conn, f"Pinned to {self.host}, asked for {conn.host}")
        error: OSError | None = None
        for address in self.addresses:
            timeout = self.deadline.remaining()
            if timeout <= 0:
                break
            try:
                # Looked up through the module at call time so tests can stub it.
                sock = socket.create_connection((address, conn.port), timeout=timeout)
            except OSError as refused:
                error = refused
                continue
            for option in conn.socket_options or ():
                sock.setsockopt(*option)
            self.deadline.watch(sock)
            self.connected_address = address
            return sock
        if error is None or isinstance(error, TimeoutError):
            raise ConnectTimeoutError(conn, f"Connection to {self.host} timed out.")
        raise NewConnectionError(conn, f"Failed to establish a new connection: {error}")


class _PinnedConnectionMixin:
    def __init__(self, *args, pin: Pin, **kwargs):
        super().__init__(*args, **kwargs)
        self._pin = pin

    def _new_conn(self) -> socket.socket:
        return self._pin.connect(self)


class _PinnedHTTPConnection(_PinnedConnectionMixin, HTTPConnection):
    pass


class _PinnedHTTPSConnection(_PinnedConnectionMixin, HTTPSConnection):
    pass


class _PinnedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PinnedHTTPConnection


class _PinnedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection


class _PinnedPoolManager(PoolManager):
    def __init__(self, pin: Pin, **kwargs):
        super().__init__(**kwargs)
        self.pool_classes_by_scheme = {"http": _PinnedHTTPPool, "https": _PinnedHTTPSPool}
        self._pin = pin

    def _new_pool(self, scheme, host, port, request_context=None):
        pool = super()._new_pool(scheme, host, port, request_context)
        # Given to each connection the pool makes; not part of the pool key,
        # which would reject an unknown keyword.
        pool.conn_kw["pin"] = self._pin
        return pool


class PinnedAdapter(HTTPAdapter):
    """A requests adapter whose connections all go through ``pin``; never proxies."""

    def __init__(self, pin: Pin):
        self._pin = pin  # before super().__init__(), which builds the pool manager
        super().__init__()

    def init_poolmanager(self, connections, maxsize, block=False, **pool_kwargs):
        self._pool_connections = connections
        self._pool_maxsize = maxsize
        self._pool_block = block
        self.poolmanager = _PinnedPoolManager(
            self._pin, num_pools=connections, maxsize=maxsize, block=block, **pool_kwargs
        )

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        raise NotImplementedError("The fetcher never uses a proxy.")
