"""The network at the edge, for tests that fetch pages.

PageServer serves a dict of path → response on 127.0.0.1 (or ::1) with a
random port. FakeNetwork stubs name resolution and outgoing connections, so a
test of the guard sends nothing off this machine even if the guard is broken.

    with PageServer({"/": (200, {"Content-Type": "text/html"}, b"<p>hi")}) as server:
        fetch(server.url("/"))

A response is ``(status, headers, body)`` (Content-Length is added unless a
header says otherwise) or a callable taking the request handler and writing
the whole raw response itself: see dribble(), Stream and reset().
"""

import ipaddress
import socket
import struct
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer
from socketserver import TCPServer, ThreadingMixIn

Route = tuple[int, dict[str, str], bytes] | Callable[[BaseHTTPRequestHandler], None]
#: The only addresses a test may send anything to.
LOOPBACK = frozenset({"127.0.0.1", "::1"})


class _Handler(BaseHTTPRequestHandler):
    timeout = 10  # a client that never sends its request does not hold the server
    server: "_Server"

    def do_GET(self):
        pages = self.server.pages
        pages.requests.append((self.path, dict(self.headers)))
        route = pages.routes.get(self.path, (404, {}, b"not found"))
        try:
            if callable(route):
                route(self)
                return
            status, headers, body = route
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            lowered = {name.lower() for name in headers}
            if not lowered & {"content-length", "transfer-encoding"}:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should when a limit is hit

    def log_message(self, format, *args):
        pass


class _Server(ThreadingMixIn, HTTPServer):
    # Handler threads are joined on close, so nothing outlives the test.
    daemon_threads = False
    block_on_close = True

    def server_bind(self):
        # HTTPServer.server_bind asks for the host's FQDN: a reverse DNS
        # lookup, which could leave the machine.
        TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request, client_address):
        pass  # a client hanging up mid-response is the point of several tests


class _Server6(_Server):
    address_family = socket.AF_INET6


class PageServer:
    def __init__(self, routes: dict[str, Route] | None = None, *, host="127.0.0.1", tls=None):
        """``tls``: an ssl.SSLContext to serve https with."""
        #: Mutable while the server runs, e.g. for routes that need its port.
        self.routes = dict(routes or {})
        #: (path, headers) of every request received.
        self.requests: list[tuple[str, dict[str, str]]] = []
        #: Set when the server stops: slow responses end early.
        self.stopping = threading.Event()
        self.scheme = "https" if tls else "http"
        server_class = _Server6 if ":" in host else _Server
        self._server = server_class((host, 0), _Handler)
        self._server.pages = self
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}
        )

    @property
    def address(self) -> tuple[str, int]:
        return self._server.server_address[:2]

    @property
    def port(self) -> int:
        return self.address[1]

    def url(self, path: str = "/") -> str:
        host, port = self.address
        host = f"[{host}]" if ":" in host else host
        return f"{self.scheme}://{host}:{port}{path}"

    def __enter__(self) -> "PageServer":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


def dribble(data: bytes, *, every: float, head: bytes = b"") -> Callable:
    """A raw response that sends ``head`` at once, then ``data`` a byte at a time."""

    def respond(handler: BaseHTTPRequestHandler) -> None:
        handler.wfile.write(head)
        for byte in data:
            if handler.server.pages.stopping.wait(every):
                return
            handler.wfile.write(bytes([byte]))

    return respond


class Stream:
    """A raw response of ``total`` bytes generated as they are sent; ``sent`` counts them."""

    def __init__(self, total: int, *, head: bytes, chunk: bytes = b"x" * 65536, chunked=False):
        self.total, self.head, self.chunk, self.chunked = total, head, chunk, chunked
        self.sent = 0

    def __call__(self, handler: BaseHTTPRequestHandler) -> None:
        handler.wfile.write(self.head)
        while self.sent < self.total and not handler.server.pages.stopping.is_set():
            piece = self.chunk[: self.total - self.sent]
            if self.chunked:
                handler.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            else:
                handler.wfile.write(piece)
            self.sent += len(piece)
        if self.chunked:
            handler.wfile.write(b"0\r\n\r\n")


def reset(handler: BaseHTTPRequestHandler) -> None:
    """Answer the request with a TCP reset."""
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.connection.close()


class FakeNetwork:
    """Name resolution and outgoing connections for one test, faked in the socket module.

    - getaddrinfo: numeric hosts get libc's own answer (AI_NUMERICHOST, so
      odd spellings like 127.1 or 0x7f000001 are read as the system reads
      them, and nothing is asked of any DNS server); names get the answers
      given to resolve(); any other name is a test bug: AssertionError.
    - socket.create_connection to an address given to route() goes to a local
      server instead; to one given to refuse(), fails as refused.
    - Any socket's connect() to anything but 127.0.0.1 or ::1 raises
      AssertionError and is recorded in ``blocked``; verify() fails the test
      if anything was, even when the code under test swallowed the error.
    """

    def __init__(self, monkeypatch):
        self._real_getaddrinfo = socket.getaddrinfo
        self._real_create_connection = socket.create_connection
        self._answers: dict[str, list[list[str]]] = {}
        self._routes: dict[tuple[str, int], tuple[str, int] | None] = {}
        #: Names looked up (numeric hosts excluded), in order.
        self.lookups: list[str] = []
        #: (address, port) given to socket.create_connection, before routing.
        self.connections: list[tuple[str, int]] = []
        #: Connections to anything but loopback that were stopped.
        self.blocked: list[object] = []
        monkeypatch.setattr(socket, "getaddrinfo", self._getaddrinfo)
        monkeypatch.setattr(socket, "create_connection", self._create_connection)
        for name in ("connect", "connect_ex"):
            monkeypatch.setattr(socket.socket, name, self._guard(getattr(socket.socket, name)))

    def resolve(self, name: str, *answers: list[str]) -> None:
        """Successive lookups of ``name`` get successive answers; the last one repeats.

        No answers at all: the name does not exist.
        """
        self._answers[name] = list(answers)

    def route(self, address: tuple[str, int], server: PageServer) -> None:
        self._routes[address] = server.address

    def refuse(self, address: tuple[str, int]) -> None:
        self._routes[address] = None

    def verify(self) -> None:
        assert not self.blocked, f"connections off this machine were attempted: {self.blocked}"

    def _getaddrinfo(self, host, port, family=0, type=0, proto=0, flags=0):
        try:
            numeric = flags | socket.AI_NUMERICHOST
            return self._real_getaddrinfo(host, port, family, type, proto, numeric)
        except socket.gaierror:
            if flags & socket.AI_NUMERICHOST:
                raise
        if host not in self._answers:
            self.blocked.append(("lookup", host))
            raise AssertionError(f"unexpected DNS lookup of {host!r}")
        self.lookups.append(host)
        answers = self._answers[host]
        if not answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        addresses = answers.pop(0) if len(answers) > 1 else answers[0]
        return [self._addrinfo(address, port) for address in addresses]

    @staticmethod
    def _addrinfo(address: str, port: int) -> tuple:
        if ipaddress.ip_address(address).version == 6:
            return (
                socket.AF_INET6,
                socket.SOCK_STREAM,
                socket.IPPROTO_TCP,
                "",
                (address, port, 0, 0),
            )
        return (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))

    def _create_connection(self, address, *args, **kwargs):
        self.connections.append(tuple(address[:2]))
        if tuple(address[:2]) in self._routes:
            address = self._routes[tuple(address[:2])]
            if address is None:
                raise ConnectionRefusedError(111, "Connection refused (FakeNetwork)")
        return self._real_create_connection(address, *args, **kwargs)

    def _guard(self, connect):
        def guarded(sock, address):
            if sock.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in LOOPBACK:
                self.blocked.append(address)
                raise AssertionError(f"connection to {address!r} attempted")
            return connect(sock, address)

        return guarded
