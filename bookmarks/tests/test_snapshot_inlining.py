import base64
import logging

import pytest

from bookmarks.snapshot.inlining import Inliner, image_type
from bookmarks.tests.pages import GIF, PNG, FakeResult, FakeWeb

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'


def inliner(resources, **budget) -> Inliner:
    budget = {"max_resource_bytes": 1000, "max_total_bytes": 3000} | budget
    return Inliner(FakeWeb(resources), **budget)


def data_uri(kind: str, body: bytes) -> str:
    return f"data:{kind};base64,{base64.b64encode(body).decode()}"


def test_an_image_becomes_a_data_uri_of_what_its_bytes_are():
    images = inliner({"https://e.example/a": ("application/octet-stream", PNG)})
    assert images.image("https://e.example/a") == data_uri("image/png", PNG)


def test_each_url_is_fetched_once():
    images = inliner({"https://e.example/a.gif": ("image/gif", GIF)})
    first = images.image("https://e.example/a.gif")
    assert images.image("https://e.example/a.gif") == first
    assert images.fetch_resource.requests == ["https://e.example/a.gif"]
    assert images.used_bytes == len(GIF)


def test_a_failed_fetch_drops_the_image_with_a_note_and_a_log(caplog):
    images = inliner({"https://e.example/boom.png": RuntimeError("connection reset")})
    with caplog.at_level(logging.WARNING, logger="bookmarks.snapshot.inlining"):
        assert images.image("https://e.example/boom.png") is None
        assert images.image("https://e.example/missing.png") is None
    assert images.notes == [
        "dropped image https://e.example/boom.png: connection reset",
        "dropped image https://e.example/missing.png: 404 for https://e.example/missing.png",
    ]
    assert [record.levelno for record in caplog.records] == [logging.WARNING, logging.WARNING]
    assert "connection reset" in caplog.records[0].getMessage()


def test_the_fetchers_own_refusals_are_logged_without_a_traceback(caplog):
    # Shaped like bookmarks.fetch's errors, without depending on that package.
    refused = type("FetchRefused", (Exception,), {"__module__": "bookmarks.fetch.addresses"})
    images = inliner({"https://e.example/a.png": refused("a private address")})
    with caplog.at_level(logging.INFO, logger="bookmarks.snapshot.inlining"):
        assert images.image("https://e.example/a.png") is None
    assert [(record.levelno, record.exc_info) for record in caplog.records] == [
        (logging.INFO, None)
    ]
    assert images.notes == ["dropped image https://e.example/a.png: a private address"]


def test_an_error_status_drops_the_image():
    result = FakeResult("https://e.example/a.png", 404, {}, "image/png", None, PNG)
    images = inliner({"https://e.example/a.png": result})
    assert images.image("https://e.example/a.png") is None
    assert images.notes == ["dropped image https://e.example/a.png: HTTP 404"]


def test_images_over_the_per_resource_budget_are_dropped():
    big = PNG + b"\0" * 2000
    images = inliner({"https://e.example/big.png": ("image/png", big)})
    assert images.image("https://e.example/big.png") is None
    assert images.used_bytes == 0
    assert "over 1001 bytes" in images.notes[0]


def test_a_fetcher_that_cuts_bodies_short_still_cannot_sneak_past_the_budget():
    big = PNG + b"\0" * 2000
    cut = FakeResult("https://e.example/big.png", 200, {}, "image/png", None, big[:1001])
    images = inliner({"https://e.example/big.png": cut})
    assert images.image("https://e.example/big.png") is None
    assert images.notes == [
        "dropped image https://e.example/big.png: 1001 bytes is over the budget"
    ]


def test_the_total_budget_stops_fetching():
    exactly_1000 = PNG + b"\0" * (1000 - len(PNG))
    resources = {f"https://e.example/{n}.png": ("image/png", exactly_1000) for n in range(5)}
    images = inliner(resources)
    kept = [images.image(url) for url in resources]
    assert [uri is not None for uri in kept] == [True, True, True, False, False]
    assert images.used_bytes == 3000
    assert images.fetch_resource.requests == list(resources)[:3]
    assert images.notes == [
        f"dropped image https://e.example/{n}.png: the page's resource budget is spent"
        for n in (3, 4)
    ]


def test_the_number_of_requests_is_capped():
    resources = {f"https://e.example/{n}.gif": ("image/gif", GIF) for n in range(5)}
    images = inliner(resources, max_resources=3)
    assert [images.image(url) is not None for url in resources] == [True, True, True, False, False]
    assert len(images.fetch_resource.requests) == 3


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/html", b"<html>404</html>"),
        ("image/png", b"<html>404</html>"),
        ("image/bmp", b"BM..."),
    ],
)
def test_what_is_not_an_allowed_image_is_dropped(content_type, body):
    images = inliner({"https://e.example/x": (content_type, body)})
    assert images.image("https://e.example/x") is None
    assert images.notes == ["dropped image https://e.example/x: not an image a copy can hold"]


def test_svg_images_are_inlined_without_their_scripts():
    images = inliner({"https://e.example/logo.svg": ("image/svg+xml", SVG)})
    uri = images.image("https://e.example/logo.svg")
    assert uri.startswith("data:image/svg+xml;base64,")
    svg = base64.b64decode(uri.split(",", 1)[1])
    assert svg == b'<svg xmlns="http://www.w3.org/2000/svg"/>'


def test_data_uris_in_the_page_are_checked_like_fetched_images():
    images = inliner({})
    assert images.image(data_uri("image/png", PNG)) == data_uri("image/png", PNG)
    assert images.image("data:image/gif;base64,R0lGOD") is None  # bad padding
    assert images.image("data:text/html,<script>alert(1)</script>") is None
    svg = images.image("data:image/svg+xml," + SVG.decode().replace("#", "%23"))
    assert b"script" not in base64.b64decode(svg.split(",", 1)[1])
    assert images.fetch_resource.requests == []


@pytest.mark.parametrize(
    ("body", "declared", "kind"),
    [
        (PNG, "", "image/png"),
        (GIF, "image/png", "image/gif"),
        (b"\xff\xd8\xff\xe0rest", "image/jpeg", "image/jpeg"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "", "image/webp"),
        (b"\x00\x00\x00\x1cftypavif", "", "image/avif"),
        (b"\x00\x00\x01\x00\x01\x00", "", "image/x-icon"),
        (b'<?xml version="1.0"?>\n<!-- c --><svg xmlns="">', "text/plain", "image/svg+xml"),
        (b"<svg/>", "image/svg+xml", "image/svg+xml"),
        (b"<html>", "image/png", None),
        (b"", "image/png", None),
    ],
)
def test_image_type_comes_from_the_bytes(body, declared, kind):
    assert image_type(body, declared) == kind


def test_stylesheets_are_decoded_and_report_where_they_ended_up():
    moved = FakeResult(
        "https://cdn.example/v2/site.css",
        200,
        {},
        "text/css",
        "gbk",
        'p{content:"中"}'.encode("gbk"),
    )
    sheets = inliner(
        {"https://e.example/site.css": moved, "https://e.example/x.css": ("text/html", b"<p>")}
    )
    assert sheets.stylesheet("https://e.example/site.css", "utf-8") == (
        'p{content:"中"}',
        "https://cdn.example/v2/site.css",
    )
    assert sheets.stylesheet("https://e.example/x.css", "utf-8") is None
    assert sheets.notes == ["dropped stylesheet https://e.example/x.css: it is text/html"]
