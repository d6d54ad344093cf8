"""Reading the group pages in tests."""

from bs4 import BeautifulSoup
from django.urls import reverse


def soup(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "lxml")


def text(node) -> str:
    return " ".join(node.get_text().split())


def tag_url(group, tag, **query):
    """The tag page (``tag`` may name several: ``a,b``) with a query."""
    url = reverse("groups:tag", args=[group.slug, tag])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
