"""What every feed shares: the channel read from a FeedSource, the 301 for
another spelling of a tag, and conditional GET."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.encoding import escape_uri_path

from .access import TagMoved
from .conditional import answer_conditionally, stamp_feed_response
from .generators import RssFeed

#: Items per feed: the newest first. Readers poll; older items are on the pages.
FEED_ITEMS = 50


@dataclass
class FeedSource:
    """Everything one request's feed shows, loaded by ``get_object``."""

    title: str
    description: str
    #: Path of the HTML page this feed mirrors.
    link: str
    #: Path of the feed itself, never with the token: the body names no secret.
    feed_path: str
    items: list
    #: The feed's date while it has no items (a fixed one keeps its ETag stable).
    empty_date: datetime
    #: Shown to members only: kept out of shared caches.
    private: bool = False


class BaseFeed(Feed):
    """A feed whose ``get_object`` returns a FeedSource. Subclasses set
    ``feed_type`` and the ``item_*`` methods for their kind of item."""

    feed_type = RssFeed

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return answer_conditionally(request, self.full_response(request, *args, **kwargs))

    def full_response(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        """The whole feed with its ETag and Last-Modified (or a redirect to
        the tag's stored spelling), before any conditional answer."""
        try:
            source = self.get_object(request, *args, **kwargs)
        except TagMoved as moved:
            return _redirect_to_tag(request, moved.path)
        feedgen = self.get_feed(source, request)
        response = HttpResponse(content_type=feedgen.content_type)
        feedgen.write(response, "utf-8")
        return stamp_feed_response(
            request, response, content_date=feedgen.latest_post_date(), private=source.private
        )

    def title(self, source: FeedSource) -> str:
        return source.title

    def description(self, source: FeedSource) -> str:
        return source.description

    def subtitle(self, source: FeedSource) -> str:
        # Atom's name for the channel description (RSS ignores it).
        return source.description

    def link(self, source: FeedSource) -> str:
        return source.link

    def feed_url(self, source: FeedSource) -> str:
        return source.feed_path

    def items(self, source: FeedSource) -> list:
        return source.items

    def feed_extra_kwargs(self, source: FeedSource) -> dict:
        return {"empty_date": source.empty_date}

    def item_guid_is_permalink(self, item) -> bool:
        # The GUID is the item's permalink on this site (see item_link).
        return True


def feed_path(request: HttpRequest) -> str:
    """The feed's own path, percent-encoded, without the query (the token).

    Not ``request.path`` as Django's default does: a tag may hold "?" or "#",
    which ``iri_to_uri`` would leave as they are, cutting the URL short."""
    return escape_uri_path(request.path)


def _redirect_to_tag(request: HttpRequest, tag_path: str) -> HttpResponsePermanentRedirect:
    """The same feed at the tags' stored spelling and order, keeping the
    query (the token)."""
    match = request.resolver_match
    url = reverse(match.view_name, kwargs={**match.kwargs, "tag": tag_path})
    query = request.META.get("QUERY_STRING")
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
