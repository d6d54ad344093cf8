"""fetch()'s limits on bytes and on time, against a real server on 127.0.0.1."""

import gzip
import os
import time
import tracemalloc

import pytest

from bookmarks.fetch import FetchFailed, FetchRefused, fetch
from bookmarks.tests.pageserver import FakeNetwork, PageServer, Stream, dribble

MB = 1024 * 1024
OK_HEAD = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n"


@pytest.fixture(autouse=True)
def net(monkeypatch):
    network = FakeNetwork(monkeypatch)
    yield network
    network.verify()


def raw_response(head: bytes, body: bytes):
    """A close-delimited response: no Content-Length to refuse it early by."""
    return lambda handler: handler.wfile.write(head + b"\r\n" + body)


def test_declared_length_over_the_cap_is_refused_before_reading():
    body = Stream(50 * MB, head=OK_HEAD + b"Content-Length: %d\r\n\r\n" % (50 * MB))
    with PageServer({"/": body}) as server, pytest.raises(FetchRefused) as refused:
        fetch(server.url(), max_bytes=MB)
    assert "too large" in refused.value.reason
    assert body.sent < 50 * MB


@pytest.mark.parametrize("chunked", [False, True])
def test_a_50_mb_page_stops_at_the_cap(settings, chunked):
    settings.FETCH_MAX_BYTES = MB
    framing = b"Transfer-Encoding: chunked\r\n" if chunked else b""
    body = Stream(50 * MB, head=OK_HEAD + framing + b"\r\n", chunked=chunked)
    started = time.monotonic()
    with PageServer({"/": body}) as server, pytest.raises(FetchRefused) as refused:
        fetch(server.url())
    assert "too large" in refused.value.reason
    assert body.sent < 50 * MB
    assert time.monotonic() - started < 5


def test_a_gzip_bomb_stops_at_the_decompressed_cap(settings):
    settings.FETCH_MAX_DECOMPRESSED_BYTES = MB
    bomb = gzip.compress(bytes(10 * MB))  # about 10 KB on the wire
    assert len(bomb) < 20_000
    head = OK_HEAD + b"Content-Encoding: gzip\r\n"
    with PageServer({"/": raw_response(head, bomb)}) as server:
        tracemalloc.start()
        try:
            with pytest.raises(FetchRefused) as refused:
                fetch(server.url())
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert "decompresses to more than" in refused.value.reason
    # Stopped near the cap, not after inflating all ten megabytes.
    assert peak < 4 * MB


def test_the_byte_cap_counts_compressed_bytes_from_the_network():
    # 3 MB of text in a few kilobytes: the network cap is not what stops it.
    text = b"<p>the same paragraph again</p>\n" * 100_000
    head = OK_HEAD + b"Content-Encoding: gzip\r\n"
    with PageServer({"/": raw_response(head, gzip.compress(text))}) as server:
        result = fetch(server.url(), max_bytes=100_000)
    assert result.body == text


def test_incompressible_gzip_hits_the_network_cap_before_the_decompressed_one():
    noise = gzip.compress(os.urandom(2 * MB))
    head = OK_HEAD + b"Content-Encoding: gzip\r\n"
    with PageServer({"/": raw_response(head, noise)}) as server, pytest.raises(FetchRefused) as r:
        fetch(server.url(), max_bytes=MB, max_decompressed_bytes=10 * MB)
    assert "too large" in r.value.reason


SLOW_RESPONSES = {
    "body": dribble(b"x" * 60, every=1.0, head=OK_HEAD + b"\r\n"),
    "body with length": dribble(b"x" * 60, every=1.0, head=OK_HEAD + b"Content-Length: 60\r\n\r\n"),
    "headers": dribble(
        b"X-Slow: " + b"a" * 60 + b"\r\n\r\n", every=1.0, head=b"HTTP/1.0 200 OK\r\n"
    ),
    "chunk size": dribble(
        b"0" * 60 + b"1\r\nx\r\n0\r\n\r\n",
        every=1.0,
        head=b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
    ),
    "silence": lambda handler: handler.server.pages.stopping.wait(30),
}


@pytest.mark.slow
@pytest.mark.parametrize("slow", SLOW_RESPONSES.values(), ids=SLOW_RESPONSES.keys())
def test_a_dripping_server_is_cut_off_at_the_deadline(settings, slow):
    settings.FETCH_TIMEOUT = 2
    started = time.monotonic()
    with PageServer({"/": slow}) as server:
        with pytest.raises(FetchFailed) as failed:
            fetch(server.url())
        elapsed = time.monotonic() - started
    assert 1.9 < elapsed < 2 + 1.5
    assert failed.value.retryable is True
    assert "longer than 2 seconds" in failed.value.reason


def delayed(seconds: float, response: bytes):
    def respond(handler):
        if not handler.server.pages.stopping.wait(seconds):
            handler.wfile.write(response)

    return respond


@pytest.mark.slow
def test_the_deadline_covers_all_redirects():
    routes = {
        "/1": delayed(0.8, b"HTTP/1.0 302 Found\r\nLocation: /2\r\n\r\n"),
        "/2": delayed(0.8, b"HTTP/1.0 302 Found\r\nLocation: /3\r\n\r\n"),
        "/3": delayed(0.8, b"HTTP/1.0 200 OK\r\n\r\nfinally"),
    }
    started = time.monotonic()
    with PageServer(routes) as server, pytest.raises(FetchFailed) as failed:
        fetch(server.url("/1"), timeout=2)
    assert time.monotonic() - started < 2 + 1.5
    assert failed.value.retryable is True
    assert [path for path, _ in server.requests] == ["/1", "/2", "/3"]
