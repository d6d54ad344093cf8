"""Where the fetcher may go: which URLs, ports and IP addresses.

Everything is judged on what would really be connected to — the URL as
urllib3 (the parser the HTTP stack uses) reads it, and the addresses the
resolver returns — never on how the host happens to be spelled.
"""

import ipaddress
import socket
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from urllib3.exceptions import LocationParseError
from urllib3.util import Url, parse_url

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_PORTS = {"http": 80, "https": 443}
LOOPBACK_ADDRESSES = frozenset(map(ipaddress.ip_address, ("127.0.0.1", "::1")))
#: Names the loopback network answers without asking a resolver (RFC 6761).
LOOPBACK_NAMES = {"localhost": ("127.0.0.1", "::1"), "localhost.": ("127.0.0.1", "::1")}

# Refused even when Python calls them global: ipaddress counts multicast as
# global, and before 3.12.4 also NAT64, 6to4, site-local and IPv4-compatible
# IPv6. The tunnelling prefixes embed an IPv4 address that a gateway would
# reach on our behalf, so they are refused whole. The rest repeat what
# is_global already says, so the list alone states the policy.
REFUSED_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in (
        "0.0.0.0/8",  # "this network": 0 and 0.0.0.0 reach the local host
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, cloud metadata services
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",  # 6to4 relay anycast
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and 255.255.255.255
        "::/96",  # unspecified, loopback, IPv4-compatible
        "64:ff9b::/96",  # NAT64
        "64:ff9b:1::/48",  # local NAT64
        "100::/64",  # discard
        "2001::/32",  # Teredo
        "2001:db8::/32",
        "2002::/16",  # 6to4
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local
        "ff00::/8",  # multicast
    )
)


class FetchRefused(Exception):
    """The guard said no; trying again will not change its mind."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Target:
    """One URL as it will be requested."""

    #: Scheme, host, port, path and query: no user info, no fragment.
    url: str
    scheme: str
    #: The name sent in Host and TLS SNI (IPv6 without brackets).
    host: str
    port: int


def is_public_address(address: IPAddress) -> bool:
    """Whether the "public" network may connect to ``address``."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        # ::ffff:127.0.0.1 reaches 127.0.0.1, yet Python 3.11 does not call it loopback.
        address = address.ipv4_mapped
    refused = any(
        address.version == network.version and address in network for network in REFUSED_NETWORKS
    )
    return not refused and address.is_global and not address.is_multicast


def parse_target(url: str) -> Target:
    """Parse ``url`` once and check its scheme, user info and port."""
    network = settings.FETCH_NETWORK
    if network == "off":
        raise FetchRefused(_("Fetching pages is turned off (FETCH_NETWORK is off)."))
    try:
        parts = parse_url(url)
    except LocationParseError:
        raise FetchRefused(_("This is not a URL that can be fetched.")) from None
    scheme = (parts.scheme or "").lower()
    if scheme not in DEFAULT_PORTS:
        raise FetchRefused(_("Only http and https URLs are fetched."))
    if parts.auth is not None:
        # Refused rather than stripped: credentials are not ours to send, and
        # "a@b" is a classic way to make a URL look like it goes elsewhere.
        raise FetchRefused(_("URLs with a user name or password are not fetched."))
    if not parts.host:
        raise FetchRefused(_("This URL has no host."))
    port = DEFAULT_PORTS[scheme] if parts.port is None else parts.port
    if not _port_allowed(port, network):
        raise FetchRefused(_("Port %(port)d is not allowed.") % {"port": port})
    url = Url(
        scheme=scheme, host=parts.host, port=parts.port, path=parts.path or "/", query=parts.query
    ).url
    return Target(url=url, scheme=scheme, host=parts.host.strip("[]"), port=port)


def _port_allowed(port: int, network: str) -> bool:
    if network == "loopback":
        return 0 < port < 65536
    return port in (80, 443) or port in settings.FETCH_EXTRA_PORTS


def resolve(target: Target) -> tuple[str, ...]:
    """Every address ``target.host`` resolves to, each one checked.

    One refused address refuses the host: a name that answers both public and
    private addresses is up to something. Raises socket.gaierror when a
    public name does not resolve.
    """
    if settings.FETCH_NETWORK == "loopback":
        addresses = _resolve_loopback(target)
    else:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
        addresses = tuple(dict.fromkeys(info[4][0] for info in infos))
    for address in map(ipaddress.ip_address, addresses):
        if settings.FETCH_NETWORK == "loopback":
            if address not in LOOPBACK_ADDRESSES:
                raise FetchRefused(_loopback_only())
        elif not is_public_address(address):
            raise FetchRefused(
                _("%(host)s is at %(address)s, which is not a public address.")
                % {"host": target.host, "address": address}
            )
    return addresses


def _resolve_loopback(target: Target) -> tuple[str, ...]:
    # Names are never looked up here: a lookup could leave the machine, and
    # the only hosts allowed are two literal addresses anyway.
    if target.host.lower() in LOOPBACK_NAMES:
        return LOOPBACK_NAMES[target.host.lower()]
    try:
        infos = socket.getaddrinfo(
            target.host, target.port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST
        )
    except socket.gaierror:
        raise FetchRefused(_loopback_only()) from None
    return tuple(dict.fromkeys(info[4][0] for info in infos))


def _loopback_only() -> str:
    return _("Only 127.0.0.1 and ::1 are fetched while FETCH_NETWORK is loopback.")
