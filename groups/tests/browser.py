"""Browser fixtures for the end-to-end and accessibility tests.

One headless Chromium (Debian's, at /usr/bin/chromium; never a downloaded
build) per test module. Nothing it does leaves the machine:

* the pages the tests follow links to are served on 127.0.0.1 (the live
  server, or ``local_site``, a tiny server in a thread);
* every context sends each request through a route that aborts any whose
  host is not 127.0.0.1 or localhost;
* Playwright does not route redirect hops, and Chromium has background
  services of its own, so the browser is also fenced at launch: no host name
  resolves but localhost (``--host-resolver-rules``), every connection to
  another host goes to a proxy that is ``local_site`` again, which refuses
  it and writes it down (``LocalServer.refused``), and the sign-in and
  component-update services Debian's build calls on start are pointed at
  ``local_site`` too.

A page's request for another host (a redirect hop included) is recorded in
``offsite_requests``; a test that leaves it non-empty errors at teardown.

A test module loads these fixtures with ``pytest_plugins =
["groups.tests.browser"]`` (importing them by name would trip ruff's F811, and
importing anything from this module as well would stop pytest rewriting its
asserts). The data fixtures ``shelf`` and ``commons`` build what the pages show.
"""

import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse

from conftest import needs_service

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: The only hosts a page may reach.
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
#: A failing expectation should say so quickly, not after Playwright's 30 s.
TIMEOUT_MS = 10_000


class _LocalSite(BaseHTTPRequestHandler):
    """Any path: a small, valid page standing in for a bookmarked site.

    Also the browser's proxy: a request for another host (an absolute URL,
    or CONNECT for https) is refused and recorded in ``server.refused``."""

    BODY = (
        b"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        b"<title>A page on this machine</title></head>"
        b"<body><main><h1>A bookmarked page, served locally</h1></main></body></html>"
    )

    def do_GET(self) -> None:  # noqa: N802 - the http.server hook's name
        if not self.path.startswith("/"):
            return self.refuse()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.BODY)))
        self.end_headers()
        self.wfile.write(self.BODY)

    def do_CONNECT(self) -> None:  # noqa: N802
        self.refuse()

    do_HEAD = do_POST = do_PUT = do_DELETE = do_OPTIONS = do_PATCH = do_GET  # noqa: N815

    def refuse(self) -> None:
        self.server.refused.append(f"{self.command} {self.path}")
        self.close_connection = True
        self.send_response(403, "Off the machine")
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "close")
        self.end_headers()

    def log_message(self, format, *args) -> None:  # noqa: A002 - the base class's name
        pass


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _LocalSite)
        #: Requests for other hosts the browser made through the proxy.
        self.refused: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture(scope="module")
def local_server() -> Iterator[LocalServer]:
    server = LocalServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def local_site(local_server) -> str:
    """The address of the stand-in for the bookmarked sites, on 127.0.0.1."""
    return local_server.url


@pytest.fixture(scope="module")
def browser(local_server) -> Iterator:
    """A headless Chromium for the whole module.

    Playwright's sync API runs an event loop in this thread, and Django then
    refuses ORM calls from it (building data, flushing the database after a
    test) unless DJANGO_ALLOW_ASYNC_UNSAFE is set. It is set for exactly as
    long as the browser lives, which covers every function-scoped database
    setup and teardown of the module."""
    available = CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)
    needs_service(available, f"Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    fence = [
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
        f"--proxy-server={local_server.url}",
        "--proxy-bypass-list=127.0.0.1;localhost;[::1]",
        # Debian's wrapper sets Google API keys: without these two, Chromium
        # asks accounts.google.com (each new context) and update.googleapis.com.
        f"--gaia-url={local_server.url}/",
        f"--component-updater=url-source={local_server.url}/",
    ]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=LAUNCH_ARGS + fence
            )
            try:
                yield chromium
            finally:
                chromium.close()


@pytest.fixture
def site_url(live_server) -> str:
    """The live server's address, written with 127.0.0.1 (where it listens)."""
    return f"http://127.0.0.1:{urlsplit(live_server.url).port}"


@pytest.fixture
def offsite_requests() -> list[str]:
    """URLs of other hosts that pages asked for during this test (every one
    refused, by the route or by the proxy)."""
    return []


@pytest.fixture
def open_context(browser, offsite_requests) -> Iterator[Callable]:
    """Open guarded browser contexts: ``open_context(java_script_enabled=False)``.

    A page's request for another host is aborted and recorded; a test that
    provokes one on purpose empties ``offsite_requests`` once it has checked
    it; any other is an error at teardown."""
    contexts = []

    def is_local(url: str) -> bool:
        return urlsplit(url).hostname in LOCAL_HOSTS

    def watch(request) -> None:
        # Fired for every request, redirect hops included.
        if not is_local(request.url):
            offsite_requests.append(request.url)

    def guard(route) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    def make(**options):
        options.setdefault("viewport", {"width": 1100, "height": 900})
        context = browser.new_context(**options)
        contexts.append(context)
        context.set_default_timeout(TIMEOUT_MS)
        context.on("request", watch)
        context.route("**/*", guard)
        return context

    yield make
    for context in contexts:
        context.close()
    assert not offsite_requests, f"a page asked for another host: {offsite_requests}"


@pytest.fixture
def new_context(open_context, site_url) -> Callable:
    """A guarded context whose relative URLs go to the live server."""

    def make(**options):
        return open_context(base_url=site_url, **options)

    return make


@pytest.fixture
def new_page(new_context) -> Callable:
    """A page in a fresh guarded context: ``new_page(java_script_enabled=False)``."""

    def make(**options):
        return new_context(**options).new_page()

    return make


# --- Data ------------------------------------------------------------------

#: The tag every test page lists.
TAG = "architecture"
#: Items under that tag: three pages at 20 a page, as in the reference.
SHELF_SIZE = 47
FEATURED_TITLE = "分散式系統的十個誤解 — Ten misreadings of distributed systems"
#: Unbroken runs that must wrap rather than widen a phone's screen.
LONG_TITLE = "超長的標題沒有空格" * 8 + "-" + "averyveryverylongwordwithoutanyspaces" * 3
FEATURED_HIGHLIGHTS = (
    "Shared-nothing designs trade coordination for duplication.",
    "一致性與可用性之間的取捨,取決於網路分割發生時系統選擇拒絕什麼。",
    "Back-pressure is a promise that a slow consumer will be heard.",
    "日誌是唯一的真相來源,其他一切都是它的投影。",
    "Idempotent handlers make at-least-once delivery bearable.",
    "读写分离之后,最难的是让用户读到自己刚写的东西。",
)


@dataclass
class Shelf:
    """A public group with 47 items tagged ``architecture``. The newest, first
    on the page, carries six highlights in English and Chinese (the last
    three folded), sticky notes, discussion, a description and a cached copy."""

    builder: Any
    featured: Any
    tag: str = TAG
    size: int = SHELF_SIZE
    title: str = FEATURED_TITLE
    highlights: tuple[str, ...] = FEATURED_HIGHLIGHTS

    @property
    def group(self):
        return self.builder.group

    @property
    def tag_path(self) -> str:
        return reverse("groups:tag", args=[self.group.slug, self.tag])


@dataclass
class Commons:
    """Demo-like data for the accessibility checks: the shelf; a second public
    group with a Chinese name whose item two members shared (so its page shows
    each sharer's annotations under their name); a private group the shelf's
    member, ``reader``, belongs to."""

    shelf: Shelf
    club: Any
    shared: Any
    private: Any

    @property
    def reader(self):
        return self.shelf.builder.member


@pytest.fixture
def shelf(build, local_site) -> Shelf:
    with transaction.atomic():  # one commit: much faster on PostgreSQL
        return make_shelf(build, local_site)


@pytest.fixture
def commons(build, local_site) -> Commons:
    with transaction.atomic():
        return make_commons(build, local_site)


def make_shelf(build, local_site: str) -> Shelf:
    from annotations.services import add_highlight, add_note
    from bookmarks.models import Snapshot
    from groups.services import add_group_note

    b = build(slug="系統-reading", name="系統設計 Reading Circle")
    for n in range(1, SHELF_SIZE):
        b.item(
            url=f"{local_site}/read/{n}",
            title=LONG_TITLE if n == SHELF_SIZE - 1 else f"Reading note {n}",
            tags=[TAG, "架構"] if n % 5 == 0 else [TAG],
        )
    featured = b.item(
        url=f"{local_site}/articles/%E5%88%86%E6%95%A3%E5%BC%8F?lang=zh",
        title=FEATURED_TITLE,
        tags=[TAG, "分散式 系統", "consistency"],
        description="讀了兩遍。The second half is the part worth discussing.",
    )
    bookmark = featured.shares.get().bookmark
    colours = ["yellow", "green", "yellow", "blue", "pink", "yellow"]
    highlights = [
        add_highlight(bookmark=bookmark, quote=quote, colour=colour)
        for quote, colour in zip(FEATURED_HIGHLIGHTS, colours, strict=True)
    ]
    add_note(bookmark=bookmark, highlight=highlights[0], text="這一段值得在讀書會上討論。")
    add_note(bookmark=bookmark, highlight=highlights[4], text="Compare with the outbox pattern.")
    add_note(bookmark=bookmark, text="Whole-article note: read with the 2019 follow-up.")
    add_group_note(
        item=featured, author=b.member, highlight=highlights[1], text="我同意,但要看延遲預算。"
    )
    add_group_note(item=featured, author=b.member, text="Let us take this one next week.")
    snapshot = Snapshot.objects.create(page=featured.page, status=Snapshot.Status.OK)
    snapshot.html.save("copy.html", ContentFile(b"<p>copy</p>"), save=True)
    return Shelf(builder=b, featured=featured)


def make_commons(build, local_site: str) -> Commons:
    from annotations.services import add_highlight
    from bookmarks.services import save_bookmark
    from groups.models import Group
    from groups.services import add_member, share_bookmark

    shelf = make_shelf(build, local_site)
    club = build(slug="讀書會", name="讀書會 · Book Club")
    shared = club.item(
        url=f"{local_site}/books/ddia",
        title="《資料密集型應用系統設計》第一章 讀書筆記",
        tags=["書", TAG],
        highlights=2,
        notes=1,
        discussion=1,
        description="第一章到第三章,下週討論。",
    )
    theirs, _ = save_bookmark(
        user=club.member, url=shared.page.url, title="Chapter one, my notes", tag_names=["書"]
    )
    add_highlight(bookmark=theirs, quote="可靠性、可擴展性與可維護性。", colour="pink")
    share_bookmark(bookmark=theirs, group=club.group)
    club.item(url=f"{local_site}/books/sre", title="Site Reliability Engineering", tags=["ops"])

    private = build(
        slug="private-circle", name="Private circle", visibility=Group.Visibility.PRIVATE
    )
    private.count = 100  # shared last, so the signed-in home page lists it first
    private.item(url=f"{local_site}/private/1", title="Only for members", highlights=1, notes=1)
    add_member(group=private.group, user=shelf.builder.member)
    return Commons(shelf=shelf, club=club, shared=shared, private=private)
