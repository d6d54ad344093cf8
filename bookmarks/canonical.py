"""Canonical URLs: one Page per address, however the address was written."""

import hashlib
import ipaddress
import re
from urllib.parse import urlsplit, urlunsplit

import idna

DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_URL_LENGTH = 4096
#: Letters, digits, dots, hyphens (and underscores, which real hosts use).
ASCII_HOST = re.compile(r"[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?")


class InvalidURL(ValueError):
    """The text is not an http(s) URL we can keep."""


def canonical_url(url: str) -> str:
    """Drop the fragment and the default port, lower-case scheme and host,
    and write the host in IDNA form. Only http and https are accepted."""
    text = (url or "").strip()
    if not text:
        raise InvalidURL("The URL is empty.")
    if len(text) > MAX_URL_LENGTH:
        raise InvalidURL(f"The URL is longer than {MAX_URL_LENGTH} characters.")
    if any(ord(ch) < 0x20 or ch == "\x7f" for ch in text):
        raise InvalidURL("The URL contains control characters.")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise InvalidURL(f"The URL cannot be parsed: {exc}.") from exc
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise InvalidURL("Only http and https URLs can be saved.")
    host = parts.hostname
    if not host:
        raise InvalidURL("The URL has no host.")
    host = _idna_host(host)
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    if parts.username or parts.password:
        userinfo = parts.username or ""
        if parts.password:
            userinfo += f":{parts.password}"
        netloc = f"{userinfo}@{netloc}"
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, parts.query, ""))


def _idna_host(host: str) -> str:
    host = host.rstrip(".").lower()
    if ":" in host:
        try:
            return str(ipaddress.IPv6Address(host))
        except ValueError as exc:
            raise InvalidURL("The host name is not valid.") from exc
    if host.isascii():
        if not ASCII_HOST.fullmatch(host):
            raise InvalidURL("The host name is not valid.")
        return host
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise InvalidURL(f"The host name is not valid: {exc}.") from exc


def url_hash(canonical: str) -> str:
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
