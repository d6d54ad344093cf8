"""The search page: ``/search/?q=``."""

from urllib.parse import urlencode

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from groups.pagination import page_links, read_window

from .query import parse
from .results import results
from .selectors import (
    COUNT_LIMIT,
    TooSlow,
    count_of,
    find,
    forget_count,
    page_of,
    remember_count,
    remembered_count,
)


@require_safe
def search(request):
    query = parse(request.GET.get("q", ""))
    context = {"query": query, "q": query.text, "error": query.error}
    if query.is_blank or query.error:
        return render(request, "search/results.html", context)
    found = find(request.user, query)
    if found.error:
        context["error"] = found.error
        return render(request, "search/results.html", context)
    try:
        count = remembered = remembered_count(request.user, query)
        if count is None:
            count = count_of(found)
            remember_count(request.user, query, count)
        window = read_window(request.GET, count=min(count, COUNT_LIMIT))
        page = page_of(found, window, count=count)
        if remembered is not None and len(page) < window.end_index - window.offset:
            # Fewer matches than remembered: counted again, the page is
            # what it would have been had nothing been remembered (a page
            # past the new end is a 404, as always).
            forget_count(request.user, query)
            count = count_of(found)
            window = read_window(request.GET, count=min(count, COUNT_LIMIT))
            page = page_of(found, window, count=count)
    except TooSlow:
        context["error"] = _(
            "That search took too long. Add a word, a #tag, group: or user: to narrow it."
        )
        return render(request, "search/results.html", context)
    context.update(
        searched=True,
        results=results(page, query, found.group),
        group=found.group,
        window=window,
        more=count > COUNT_LIMIT,
        count_limit=COUNT_LIMIT,
        links=_links(page_links(window, path=request.path), query.text),
    )
    return render(request, "search/results.html", context)


def _links(links: dict, q: str) -> dict:
    """The pagination links, each carrying the query."""

    def with_query(url: str | None) -> str | None:
        if url is None:
            return None
        return url + ("&" if "?" in url else "?") + urlencode({"q": q})

    return {
        **{name: with_query(url) for name, url in links.items() if name != "sizes"},
        "sizes": [(size, with_query(url), current) for size, url, current in links["sizes"]],
    }
