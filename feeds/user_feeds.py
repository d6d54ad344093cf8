"""A user's public bookmarks, all or one tag's, as RSS 2.0 and Atom.

Feeds are read anonymously: only public bookmarks, never the private ones,
whoever asks and whatever token they bring. Group discussions stay in their
groups; a bookmark carries its own highlights and sticky notes."""

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from annotations.selectors import bookmarks_with_annotations
from bookmarks.models import Bookmark
from groups.visibility import public_bookmarks_of

from .access import tag_for_feed, user_for_feed
from .base import FEED_ITEMS, BaseFeed, FeedSource, feed_path
from .generators import AtomFeed

USER_TITLE = _("Public bookmarks of %(name)s")
USER_DESCRIPTION = _("The newest public bookmarks of %(name)s.")
USER_TAG_TITLE = _("Public bookmarks of %(name)s tagged %(tag)s")
USER_TAG_DESCRIPTION = _("The newest public bookmarks of %(name)s tagged %(tag)s.")


def _newest(bookmarks) -> list[Bookmark]:
    ordered = bookmarks.order_by("-created_at", "-id")
    return list(bookmarks_with_annotations(ordered)[:FEED_ITEMS])


def _last_modified(bookmark: Bookmark):
    """When anything the item shows last changed."""
    stamps = [bookmark.updated_at]
    stamps += [note.updated_at for note in bookmark.bookmark_notes]
    for highlight in bookmark.highlight_list:
        stamps.append(highlight.updated_at)
        stamps += [note.updated_at for note in highlight.note_list]
    return max(stamps)


class BookmarkFeed(BaseFeed):
    """Items are bookmarks loaded by ``bookmarks_with_annotations``. Each links
    to the bookmark's page on this site, also its GUID; the bookmarked page
    is linked from the description."""

    description_template = "feeds/bookmark_item.html"

    def get_context_data(self, *, item: Bookmark, **kwargs) -> dict:
        url = item.page.url
        # Page URLs are http(s) by a database constraint; checked again before
        # one becomes a link.
        return {"bookmark": item, "page_url": url, "is_web": url.startswith(("http:", "https:"))}

    def item_title(self, bookmark: Bookmark) -> str:
        return bookmark.display_title

    def item_link(self, bookmark: Bookmark) -> str:
        return reverse("bookmarks:detail", args=[bookmark.pk])

    def item_author_name(self, bookmark: Bookmark) -> str:
        return bookmark.user.name

    def item_pubdate(self, bookmark: Bookmark):
        return bookmark.created_at

    def item_updateddate(self, bookmark: Bookmark):
        return _last_modified(bookmark)

    def item_categories(self, bookmark: Bookmark) -> list[str]:
        return [tag.name for tag in bookmark.tag_list]


class UserRss(BookmarkFeed):
    def get_object(self, request, username: str) -> FeedSource:
        owner = user_for_feed(username)
        names = {"name": owner.name}
        return FeedSource(
            title=USER_TITLE % names,
            description=USER_DESCRIPTION % names,
            link=reverse("bookmarks:user", args=[owner.username]),
            feed_path=feed_path(request),
            items=_newest(public_bookmarks_of(owner, AnonymousUser())),
            empty_date=owner.date_joined,
        )


class UserAtom(UserRss):
    feed_type = AtomFeed


class UserTagRss(BookmarkFeed):
    def get_object(self, request, username: str, tag: str) -> FeedSource:
        owner = user_for_feed(username)
        found = tag_for_feed(tag)
        names = {"name": owner.name, "tag": found.name}
        bookmarks = public_bookmarks_of(owner, AnonymousUser()).filter(tags=found)
        return FeedSource(
            title=USER_TAG_TITLE % names,
            description=USER_TAG_DESCRIPTION % names,
            link=reverse("bookmarks:user_tag", args=[owner.username, found.name]),
            feed_path=feed_path(request),
            items=_newest(bookmarks),
            empty_date=owner.date_joined,
        )


class UserTagAtom(UserTagRss):
    feed_type = AtomFeed
