"""The floors of the site benchmark: what no Django page can beat under the
same server, settings and middleware.

- ``items``: a 20-item list rendered from memory through a template (no
  database, no cache): the least a page of items costs;
- ``two_bytes``: ``ok``, the least any response costs, to compare cached
  pages and 304 answers with.
"""

from datetime import UTC, datetime, timedelta

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

BASE = datetime(2024, 3, 12, 9, 30, tzinfo=UTC)
ITEMS = [
    {
        "title": f"Reading notes {n}: 架構與快取的取捨",
        "url": f"https://example.org/2024/reading-notes-{n}",
        "sharer": "張 旭" if n % 2 else "Mei Chen",
        "shared_at": BASE - timedelta(days=n),
        "views": n * 3,
        "highlights": [
            "Latency is a distribution, not a number; the tail is where users live.",
            "A queue does not remove load; it moves it to later.",
        ],
        "tags": ["architecture", "快取", "reading list"],
    }
    for n in range(20)
]


@require_safe
def items(request):
    return render(request, "bench/floor.html", {"items": ITEMS})


@require_safe
def two_bytes(request):
    return HttpResponse(b"ok", content_type="text/plain")
