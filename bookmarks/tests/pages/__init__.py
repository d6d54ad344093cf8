"""Sample pages for the snapshot tests, and a fake web that serves resources from a dict.

The pages are written for these tests; the non-UTF-8 ones are stored in their
own encoding (GBK, Big5, Shift_JIS, windows-1252...), as a server would send them.
"""

import base64
from dataclasses import dataclass, field
from pathlib import Path

PAGES = Path(__file__).parent

#: The smallest real images: a 1×1 PNG and GIF.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


class FakeFetchFailed(Exception):
    """Stands in for the fetcher's FetchFailed."""


@dataclass
class FakeResult:
    """Shaped like the fetcher's FetchResult."""

    url: str
    status: int
    headers: dict
    content_type: str
    charset: str | None
    body: bytes
    redirects: list = field(default_factory=list)
    connected_address: str = "127.0.0.1"


@dataclass
class FakeWeb:
    """``fetch_resource`` over a dict: URL → (content type, body) or an exception to raise.

    A value may also be a FakeResult, for redirects and odd statuses. Every
    request is recorded, so tests can see what was fetched and how often.
    """

    resources: dict
    requests: list = field(default_factory=list)

    def __call__(self, url, max_bytes=None, timeout=None, accept="*/*"):
        self.requests.append(url)
        served = self.resources.get(url)
        if served is None:
            raise FakeFetchFailed(f"404 for {url}")
        if isinstance(served, Exception):
            raise served
        if isinstance(served, FakeResult):
            return served
        content_type, body = served
        if max_bytes is not None and len(body) > max_bytes:
            raise FakeFetchFailed(f"{url} is over {max_bytes} bytes")
        media_type, _, charset = content_type.partition("; charset=")
        return FakeResult(
            url, 200, {"Content-Type": content_type}, media_type, charset or None, body
        )
