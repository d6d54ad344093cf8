"""Who is reading a feed, and what they asked for. Anything missing or hidden
is a 404, never a 403, so a private group's existence does not leak."""

from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest

from bookmarks.models import Tag
from bookmarks.selectors import find_tag
from groups.models import Group
from groups.selectors import find_tag_set, tag_path
from groups.visibility import get_readable_group


class TagMoved(Exception):
    """The URL spells a tag (or a set of tags) another way; the feed lives
    at ``path``, the stored names in their one order."""

    def __init__(self, path: str):
        super().__init__(path)
        self.path = path


def feed_reader(request: HttpRequest):
    """The owner of ``?token=`` when one is given (None when it matches no
    active user), else the signed-in user or AnonymousUser.

    A feed reader cannot sign in, so the personal token stands for the
    session; a given token always wins, so a wrong one is never rescued by a
    cookie."""
    token = request.GET.get("token", "")
    if token:
        return get_user_model().objects.filter(feed_token=token, is_active=True).first()
    return request.user


def group_for_feed(request: HttpRequest, slug: str) -> Group:
    """The group if the feed's reader may open it. Membership is read from the
    database on every request, so a former member's token stops at once."""
    return get_readable_group(feed_reader(request), slug)


def tag_for_feed(name: str) -> Tag:
    """The tag this URL names; TagMoved for another spelling, 404 for none."""
    tag = find_tag(name)
    if tag is None:
        raise Http404("No such tag.")
    if tag.name != name:
        raise TagMoved(tag.name)
    return tag


def tags_for_feed(path: str) -> list[Tag]:
    """The tags ``a`` or ``a,b`` names; TagMoved for another spelling or
    order, 404 for an unknown tag or too many."""
    tags = find_tag_set(path)
    if tags is None:
        raise Http404("No such tag, or too many.")
    if tag_path(tags) != path:
        raise TagMoved(tag_path(tags))
    return tags


def user_for_feed(username: str):
    owner = get_user_model().objects.filter(username=username).first()
    if owner is None:
        raise Http404("No such user.")
    return owner
