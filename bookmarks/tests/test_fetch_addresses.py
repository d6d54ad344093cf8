"""The guard's address policy. Name resolution and connections are faked
(FakeNetwork), so not one of these refusals can send a packet, even if the
guard were broken: a connect() to anything but loopback fails the test."""

import ipaddress

import pytest

from bookmarks.fetch import FetchRefused, fetch
from bookmarks.fetch.addresses import is_public_address
from bookmarks.tests.pageserver import FakeNetwork, PageServer

PUBLIC_IP = "93.184.216.34"

NOT_PUBLIC = [
    "127.0.0.1",
    "127.255.255.254",
    "10.0.0.1",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",  # cloud metadata
    "100.64.0.1",  # carrier-grade NAT
    "100.127.255.254",
    "0.0.0.0",
    "0.1.2.3",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "192.0.0.1",
    "192.0.2.1",
    "198.18.0.1",
    "198.51.100.1",
    "203.0.113.1",
    "192.88.99.1",
    "::1",
    "::",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "::7f00:1",  # IPv4-compatible
    "64:ff9b::7f00:1",  # NAT64
    "64:ff9b::a00:1",
    "2002:7f00:1::",  # 6to4
    "2001::1",  # Teredo
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",
    "2001:db8::1",
    "100::1",
    "fec0::1",  # site-local
    "fc00::1",
    "fd12:3456::1",
    "fe80::1",
    "ff02::1",
    "ff0e::1",  # global-scope multicast: is_global in Python 3.11
]
PUBLIC = ["93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:2800:220:1:248:1893:25c8:1946"]

# Spellings libc reads as an address; each must be judged by that address.
ODD_SPELLINGS = [
    "127.1",
    "2130706433",
    "0x7f000001",
    "0177.0.0.1",
    "127.000.000.001",
    "0",
    "0x0a.0.0.1",
    "%31%32%37.0.0.1",  # urllib3 decodes it to 127.0.0.1
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "[::1]",
    "[fe80::1%25lo]",
]


@pytest.fixture(autouse=True)
def net(monkeypatch):
    network = FakeNetwork(monkeypatch)
    yield network
    network.verify()


@pytest.fixture
def public(settings):
    settings.FETCH_NETWORK = "public"


def refusal(url: str) -> str:
    with pytest.raises(FetchRefused) as refused:
        fetch(url)
    return refused.value.reason


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_not_public_addresses(address):
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses(address):
    assert is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_name_resolving_to_a_non_public_address_is_refused(public, net, address):
    net.resolve("evil.example", [address])
    assert "not a public address" in refusal("http://evil.example/")
    assert net.lookups == ["evil.example"]
    assert net.connections == []


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_literal_non_public_address_is_refused(public, net, address):
    host = f"[{address}]" if ":" in address else address
    assert "not a public address" in refusal(f"http://{host}/")
    assert net.connections == []


@pytest.mark.parametrize("host", ODD_SPELLINGS)
def test_odd_spellings_are_judged_by_the_address_they_resolve_to(public, net, host):
    assert "not a public address" in refusal(f"http://{host}/")
    assert net.connections == []


def test_one_bad_address_among_good_ones_refuses_the_host(public, net):
    net.resolve("mixed.example", [PUBLIC_IP, "10.0.0.1"])
    assert "10.0.0.1" in refusal("https://mixed.example/")
    assert net.connections == []


def test_backslash_userinfo_trick_is_judged_by_the_real_host(public, net):
    # urllib3 reads the host as 127.0.0.1 and "\@app.example/" as the path.
    net.resolve("app.example", [PUBLIC_IP])
    assert "127.0.0.1" in refusal("http://127.0.0.1\\@app.example/")
    assert net.connections == []


@pytest.mark.parametrize(
    "url",
    ["http://user:secret@app.example/", "http://user@app.example/", "https://:pw@app.example/"],
)
def test_user_info_is_refused(public, net, url):
    net.resolve("app.example", [PUBLIC_IP])
    assert "user name or password" in refusal(url)
    assert net.lookups == []


@pytest.mark.parametrize(
    "url",
    [
        "ftp://app.example/",
        "file:///etc/passwd",
        "gopher://app.example/",
        "javascript:alert(1)",
        "data:text/html,hi",
        "//app.example/",
        "app.example",
    ],
)
def test_other_schemes_are_refused(public, net, url):
    assert "Only http and https" in refusal(url)
    assert net.lookups == []


@pytest.mark.parametrize(
    "url", ["http:///nohost", "http://exa mple.com/", "http://a.example:99999/"]
)
def test_malformed_urls_are_refused(public, url):
    refusal(url)


@pytest.mark.parametrize(
    "url", ["http://app.example:8080/", "https://app.example:22/", "http://app.example:0/"]
)
def test_public_network_refuses_other_ports(public, net, url):
    net.resolve("app.example", [PUBLIC_IP])
    assert "Port" in refusal(url)
    assert net.lookups == []


def test_extra_ports_are_allowed(public, net, settings):
    settings.FETCH_EXTRA_PORTS = [8080]
    net.resolve("app.example", [PUBLIC_IP])
    with PageServer({"/": (200, {"Content-Type": "text/plain"}, b"ok")}) as server:
        net.route((PUBLIC_IP, 8080), server)
        result = fetch("http://app.example:8080/")
    assert result.body == b"ok"
    assert result.connected_address == PUBLIC_IP
    assert net.connections == [(PUBLIC_IP, 8080)]
    assert server.requests[0][1]["Host"] == "app.example:8080"


@pytest.mark.parametrize("host", ["app.example", "10.0.0.1", "127.0.0.2", "[::ffff:127.0.0.1]"])
def test_loopback_network_refuses_everything_else_without_resolving(net, host):
    # Test settings use FETCH_NETWORK = "loopback".
    net.resolve("app.example", [PUBLIC_IP])
    assert "Only 127.0.0.1 and ::1" in refusal(f"http://{host}/")
    assert net.lookups == []
    assert net.connections == []


def test_loopback_network_allows_any_port_on_loopback(net):
    with PageServer({"/": (200, {}, b"local")}) as server:
        assert server.port not in (80, 443)
        assert fetch(server.url("/")).body == b"local"
        assert fetch(f"http://localhost:{server.port}/").body == b"local"
    assert net.lookups == []


def test_loopback_network_serves_ipv6_loopback():
    with PageServer({"/": (200, {}, b"six")}, host="::1") as server:
        result = fetch(server.url("/"))
    assert result.body == b"six"
    assert result.connected_address == "::1"


def test_off_refuses_everything(settings, net):
    settings.FETCH_NETWORK = "off"
    with PageServer({"/": (200, {}, b"local")}) as server:
        assert "turned off" in refusal(server.url("/"))
        assert server.requests == []
    assert net.connections == []
