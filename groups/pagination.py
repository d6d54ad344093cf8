"""Pages of items: ``?page=`` and ``?per_page=`` read defensively, and the
rows of one page read from an index.

A page number that is not a positive integer, or past the last page, is a
404; a ``per_page`` outside the offered sizes falls back to the default."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import Http404, QueryDict

PER_PAGE_CHOICES = (10, 20, 50, 100)
DEFAULT_PER_PAGE = 20


@dataclass(frozen=True)
class Window:
    number: int
    per_page: int
    count: int

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.per_page))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    @property
    def start_index(self) -> int:
        """1-based index of the first item on the page (0 when there are none)."""
        return self.offset + 1 if self.count else 0

    @property
    def end_index(self) -> int:
        return min(self.offset + self.per_page, self.count)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


def read_per_page(query: QueryDict) -> int:
    try:
        per_page = int(query.get("per_page", DEFAULT_PER_PAGE))
    except (TypeError, ValueError):
        return DEFAULT_PER_PAGE
    return per_page if per_page in PER_PAGE_CHOICES else DEFAULT_PER_PAGE


def read_window(query: QueryDict, *, count: int) -> Window:
    """The page the query asks for, or 404 when there is no such page."""
    per_page = read_per_page(query)
    raw = query.get("page", "1")
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        raise Http404("No such page.")
    window = Window(number=int(raw), per_page=per_page, count=count)
    if not 1 <= window.number <= window.num_pages:
        raise Http404("No such page.")
    return window


def page_of(ids: QuerySet, window: Window) -> list:
    """The window's page of an ordered queryset of ids.

    OFFSET walks the index up to the page, so a page past the middle is read
    from the far end, backwards, and reversed: no page walks more than half
    of the rows (an index-only scan, so half a group's slice of the index),
    and the last page costs what the first does."""
    size = window.end_index - window.offset
    if size <= 0:
        return []
    from_end = window.count - window.end_index
    if window.offset <= from_end:
        return list(ids[window.offset : window.offset + window.per_page])
    return list(ids.reverse()[from_end : from_end + size])[::-1]


def page_links(window: Window, *, path: str) -> dict:
    """URLs for the pagination bar; a page with the defaults is the bare path."""

    def url(number: int, per_page: int = window.per_page) -> str:
        params = {}
        if number != 1:
            params["page"] = number
        if per_page != DEFAULT_PER_PAGE:
            params["per_page"] = per_page
        return path + ("?" + urlencode(params) if params else "")

    return {
        "first": url(1) if window.has_previous else None,
        "previous": url(window.number - 1) if window.has_previous else None,
        "next": url(window.number + 1) if window.has_next else None,
        "last": url(window.num_pages) if window.has_next else None,
        "sizes": [(size, url(1, size), size == window.per_page) for size in PER_PAGE_CHOICES],
    }
