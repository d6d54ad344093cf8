"""Redirects, DNS rebinding and TLS. Where a test needs the "public" network,
names resolve through FakeNetwork to documentation-free public addresses whose
connections are routed to a server on 127.0.0.1 — nothing leaves the machine."""

import shutil
import ssl
import subprocess
import time

import pytest

from bookmarks.fetch import FetchFailed, FetchRefused, client, fetch
from bookmarks.tests.pageserver import FakeNetwork, PageServer, Stream
from conftest import needs_service

PUBLIC_IP = "93.184.216.34"
OTHER_PUBLIC_IP = "93.184.216.35"


@pytest.fixture(autouse=True)
def net(monkeypatch):
    network = FakeNetwork(monkeypatch)
    yield network
    network.verify()


@pytest.fixture
def public(settings):
    settings.FETCH_NETWORK = "public"


def redirect(location: str, status: int = 302):
    return (status, {"Location": location}, b"moved")


def test_follows_redirects_and_reports_them():
    routes = {"/a": redirect("/b", 301), "/b": redirect("c?x=1", 303), "/c?x=1": (200, {}, b"here")}
    with PageServer(routes) as server:
        routes["/b"] = redirect(server.url("/c?x=1"), 307)  # absolute this time
        result = fetch(server.url("/a"))
    assert result.body == b"here"
    assert result.url == server.url("/c?x=1")
    assert result.redirects == [server.url("/a"), server.url("/b")]


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_every_redirect_status_is_followed(status):
    with PageServer({"/": redirect("/to", status), "/to": (200, {}, b"ok")}) as server:
        assert fetch(server.url()).body == b"ok"


def test_a_redirect_without_location_fails():
    with PageServer({"/": (302, {}, b"")}) as server, pytest.raises(FetchFailed) as failed:
        fetch(server.url())
    assert (failed.value.status, failed.value.retryable) == (302, False)


@pytest.mark.parametrize(
    "routes",
    [{"/loop": redirect("/loop")}, {"/loop": redirect("/other"), "/other": redirect("/loop#x")}],
)
def test_a_redirect_loop_is_refused(routes):
    with PageServer(routes) as server, pytest.raises(FetchRefused) as refused:
        fetch(server.url("/loop"))
    assert "loop" in refused.value.reason
    assert len(server.requests) <= 2


@pytest.mark.parametrize(("allowed", "succeeds"), [(3, True), (2, False)])
def test_redirects_are_capped(settings, allowed, succeeds):
    settings.FETCH_MAX_REDIRECTS = allowed
    routes = {
        "/0": redirect("/1"),
        "/1": redirect("/2"),
        "/2": redirect("/3"),
        "/3": (200, {}, b""),
    }
    with PageServer(routes) as server:
        if succeeds:
            assert len(fetch(server.url("/0")).redirects) == 3
        else:
            with pytest.raises(FetchRefused, match="more than 2 times"):
                fetch(server.url("/0"))
            assert len(server.requests) == 3


@pytest.mark.parametrize(
    "location", ["ftp://127.0.0.1/", "http://10.0.0.1/", "http://app.example/"]
)
def test_each_hop_is_checked(net, location):
    with PageServer({"/": redirect(location)}) as server, pytest.raises(FetchRefused):
        fetch(server.url())
    assert net.lookups == []
    assert net.connections == [("127.0.0.1", server.port)]


def test_a_redirect_body_is_never_read():
    endless = Stream(10**12, head=b"HTTP/1.0 302 Found\r\nLocation: /to\r\n\r\n")
    started = time.monotonic()
    with PageServer({"/": endless, "/to": (200, {}, b"ok")}) as server:
        assert fetch(server.url()).body == b"ok"
    assert time.monotonic() - started < 3


def test_public_page_is_fetched_from_the_checked_address(public, net):
    net.resolve("public.example", [PUBLIC_IP])
    with PageServer({"/": (200, {}, b"public")}) as server:
        net.route((PUBLIC_IP, 80), server)
        result = fetch("http://public.example/")
    assert result.body == b"public"
    assert result.connected_address == PUBLIC_IP
    assert net.connections == [(PUBLIC_IP, 80)]
    assert server.requests[0][1]["Host"] == "public.example"


@pytest.mark.parametrize(
    "location",
    [
        "http://127.0.0.1/",
        "http://localhost/",
        "http://internal.example/",
        "http://[::ffff:10.0.0.5]/",
        "http://2130706433/",
        "http://127.0.0.1:{port}/secret",  # the server's real port: refused too
    ],
)
def test_a_public_page_cannot_redirect_inward(public, net, location):
    net.resolve("public.example", [PUBLIC_IP])
    net.resolve("internal.example", ["10.0.0.5"])
    net.resolve("localhost", ["127.0.0.1"])
    with PageServer() as server:
        server.routes["/"] = redirect(location.format(port=server.port))
        net.route((PUBLIC_IP, 80), server)
        with pytest.raises(FetchRefused):
            fetch("http://public.example/")
    assert net.connections == [(PUBLIC_IP, 80)]
    assert len(server.requests) == 1


def test_a_public_page_may_redirect_to_another_public_host(public, net):
    net.resolve("public.example", [PUBLIC_IP])
    net.resolve("other.example", [OTHER_PUBLIC_IP])
    routes = {"/": redirect("http://other.example/there"), "/there": (200, {}, b"there")}
    with PageServer(routes) as server:
        net.route((PUBLIC_IP, 80), server)
        net.route((OTHER_PUBLIC_IP, 80), server)
        result = fetch("http://public.example/")
    assert result.connected_address == OTHER_PUBLIC_IP
    assert net.connections == [(PUBLIC_IP, 80), (OTHER_PUBLIC_IP, 80)]
    hosts = [headers["Host"] for _, headers in server.requests]
    assert hosts == ["public.example", "other.example"]


def test_dns_rebinding_gets_no_second_lookup(public, net):
    # The name answers a public address first and loopback after: the
    # connection must go to the address that was checked.
    net.resolve("rebind.example", [PUBLIC_IP], ["127.0.0.1"])
    with PageServer({"/": (200, {}, b"checked")}) as server:
        net.route((PUBLIC_IP, 80), server)
        result = fetch("http://rebind.example/")
    assert result.connected_address == PUBLIC_IP
    assert net.lookups == ["rebind.example"]
    assert net.connections == [(PUBLIC_IP, 80)]


def test_dns_rebinding_between_redirect_hops_is_refused(public, net):
    net.resolve("rebind.example", [PUBLIC_IP], ["127.0.0.1"])
    with PageServer({"/": redirect("/next"), "/next": (200, {}, b"inside")}) as server:
        net.route((PUBLIC_IP, 80), server)
        with pytest.raises(FetchRefused, match="127.0.0.1"):
            fetch("http://rebind.example/")
    assert net.lookups == ["rebind.example", "rebind.example"]
    assert net.connections == [(PUBLIC_IP, 80)]


def test_unreachable_checked_address_falls_back_to_the_next(public, net):
    net.resolve("multi.example", [PUBLIC_IP, OTHER_PUBLIC_IP])
    net.refuse((PUBLIC_IP, 80))
    with PageServer({"/": (200, {}, b"second")}) as server:
        net.route((OTHER_PUBLIC_IP, 80), server)
        result = fetch("http://multi.example/")
    assert result.connected_address == OTHER_PUBLIC_IP
    assert net.connections == [(PUBLIC_IP, 80), (OTHER_PUBLIC_IP, 80)]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for public.example: its own authority."""
    needs_service(shutil.which("openssl") is not None, "openssl")
    directory = tmp_path_factory.mktemp("tls")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
        + ["-nodes", "-days", "2", "-subj", "/CN=public.example", "-keyout", key, "-out", cert]
        + ["-addext", "subjectAltName=DNS:public.example"],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def tls_server(certificate, public, net):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    names = []
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    with PageServer({"/": (200, {}, b"secure")}, tls=context) as server:
        server.sni_names = names
        net.route((PUBLIC_IP, 443), server)
        yield server


def test_https_keeps_the_host_name_for_sni_and_certificate(
    monkeypatch, net, tls_server, certificate
):
    monkeypatch.setattr(client, "TLS_VERIFY", str(certificate[0]))
    net.resolve("public.example", [PUBLIC_IP])
    result = fetch("https://public.example/")
    assert result.body == b"secure"
    assert result.connected_address == PUBLIC_IP
    assert tls_server.sni_names == ["public.example"]
    assert tls_server.requests[0][1]["Host"] == "public.example"


def test_https_certificate_must_match_the_host_name(monkeypatch, net, tls_server, certificate):
    monkeypatch.setattr(client, "TLS_VERIFY", str(certificate[0]))
    net.resolve("wrong.example", [PUBLIC_IP])
    with pytest.raises(FetchFailed) as failed:
        fetch("https://wrong.example/")
    assert failed.value.retryable is False
    assert tls_server.requests == []


def test_https_verifies_certificates_by_default(net, tls_server):
    net.resolve("public.example", [PUBLIC_IP])
    with pytest.raises(FetchFailed, match="secure connection"):
        fetch("https://public.example/")
    assert tls_server.requests == []


def test_a_name_that_does_not_exist_fails_for_good(public, net):
    net.resolve("gone.example")
    with pytest.raises(FetchFailed, match="could not be resolved") as failed:
        fetch("http://gone.example/")
    assert failed.value.retryable is False
    assert net.connections == []
