"""fetch() against a real HTTP server on 127.0.0.1 (FETCH_NETWORK is
"loopback" in the test settings): bodies, headers, statuses and failures."""

import gzip
import logging
import socket
import zlib

import pytest

from bookmarks.fetch import FetchFailed, FetchRefused, FetchResult, fetch
from bookmarks.tests.pageserver import FakeNetwork, PageServer, Stream, reset

HTML = "<p>你好，世界</p>"


@pytest.fixture(autouse=True)
def net(monkeypatch):
    network = FakeNetwork(monkeypatch)
    yield network
    network.verify()


def test_fetches_a_page():
    body = HTML.encode("gbk")
    headers = {"Content-Type": 'text/HTML; Charset="GBK"', "X-Thing": "1"}
    with PageServer({"/page": (200, headers, body)}) as server:
        result = fetch(server.url("/page"))
    assert isinstance(result, FetchResult)
    assert result.url == server.url("/page")
    assert result.status == 200
    assert result.content_type == "text/html"
    assert result.charset == "gbk"
    assert result.body == body
    assert result.body.decode(result.charset) == HTML
    assert result.headers["x-thing"] == "1"
    assert result.redirects == []
    assert result.connected_address == "127.0.0.1"


@pytest.mark.parametrize(
    ("header", "content_type", "charset"),
    [
        ("text/plain", "text/plain", None),  # no ISO-8859-1 guess, unlike requests' .text
        ("text/html;charset=utf-8", "text/html", "utf-8"),
        ("text/html; charset=no-such-codec", "text/html", None),
        ("application/xhtml+xml; q=1; charset='UTF-8'", "application/xhtml+xml", "utf-8"),
    ],
)
def test_content_type_and_charset_come_from_the_header(header, content_type, charset):
    with PageServer({"/": (200, {"Content-Type": header}, b"x")}) as server:
        result = fetch(server.url())
    assert (result.content_type, result.charset) == (content_type, charset)


def test_missing_content_type_and_empty_body():
    with PageServer({"/": (200, {}, b"")}) as server:
        result = fetch(server.url())
    assert (result.content_type, result.charset, result.body) == ("", None, b"")


def test_sends_the_user_agent_and_accept_and_no_cookies(settings):
    settings.FETCH_USER_AGENT = "Commonplace-test/1"
    routes = {
        "/set": (200, {"Set-Cookie": "session=abc; Path=/"}, b"set"),
        "/echo": (200, {}, b"echo"),
    }
    with PageServer(routes) as server:
        fetch(server.url("/set"))
        fetch(server.url("/echo"), accept="image/*")
    (_, first), (_, second) = server.requests
    assert first["User-Agent"] == second["User-Agent"] == "Commonplace-test/1"
    assert first["Accept"].startswith("text/html")
    assert second["Accept"] == "image/*"
    assert "Cookie" not in second


def test_proxy_environment_is_ignored(monkeypatch):
    with PageServer({"/": (200, {}, b"direct")}) as server, PageServer() as proxy:
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
            monkeypatch.setenv(name, proxy.url())
        assert fetch(server.url()).body == b"direct"
    assert proxy.requests == []
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("status", "retryable"), [(404, False), (410, False), (429, True), (500, True), (503, True)]
)
def test_http_errors_fail_with_their_status(status, retryable):
    with PageServer({"/": (status, {}, b"oops")}) as server, pytest.raises(FetchFailed) as failed:
        fetch(server.url())
    assert failed.value.status == status
    assert failed.value.retryable is retryable
    assert str(status) in failed.value.reason


def test_connection_refused_is_retryable():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens once it is closed
    with pytest.raises(FetchFailed) as failed:
        fetch(f"http://127.0.0.1:{port}/")
    assert failed.value.retryable is True
    assert failed.value.status is None


def test_connection_reset_is_retryable():
    with PageServer({"/": reset}) as server, pytest.raises(FetchFailed) as failed:
        fetch(server.url())
    assert failed.value.retryable is True


def test_truncated_body_is_retryable():
    truncated = b"HTTP/1.0 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b"

    def route(handler):
        handler.wfile.write(truncated)

    with PageServer({"/": route}) as server, pytest.raises(FetchFailed) as failed:
        fetch(server.url())
    assert failed.value.retryable is True


def test_gzip_and_deflate_are_decompressed():
    routes = {
        "/gzip": (200, {"Content-Encoding": "gzip"}, gzip.compress(b"zipped " * 1000)),
        "/deflate": (200, {"Content-Encoding": "deflate"}, zlib.compress(b"deflated")),
    }
    with PageServer(routes) as server:
        assert fetch(server.url("/gzip")).body == b"zipped " * 1000
        assert fetch(server.url("/deflate")).body == b"deflated"
        (_, headers), _ = server.requests
    assert headers["Accept-Encoding"] == "gzip, deflate"


def test_corrupt_compression_is_not_retryable():
    routes = {"/": (200, {"Content-Encoding": "gzip"}, b"\x1f\x8b\x08 not gzip at all")}
    with PageServer(routes) as server, pytest.raises(FetchFailed) as failed:
        fetch(server.url())
    assert failed.value.retryable is False


def test_chunked_responses_are_read():
    head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    body = Stream(200_000, head=head, chunk=b"c" * 7000, chunked=True)
    with PageServer({"/": body}) as server:
        assert fetch(server.url()).body == b"c" * 200_000


def test_refusals_are_logged_at_info_without_traceback(caplog):
    caplog.set_level(logging.INFO, logger="bookmarks.fetch")
    with pytest.raises(FetchRefused):
        fetch("ftp://app.example/")
    (record,) = caplog.records
    assert record.levelno == logging.INFO
    assert record.exc_info is None
    assert "ftp://app.example/" in record.getMessage()
    assert "Only http and https" in record.getMessage()


def test_failures_are_logged_at_warning_without_traceback(caplog):
    caplog.set_level(logging.INFO, logger="bookmarks.fetch")
    with PageServer() as server, pytest.raises(FetchFailed):
        fetch(server.url("/missing"))
    (record,) = caplog.records
    assert record.levelno == logging.WARNING
    assert record.exc_info is None
    assert "404" in record.getMessage()
