"""Writes for the API, through the same services as the site: a new bookmark
is saved by ``bookmarks.services.save_bookmark`` (so its page gets a snapshot
like any other save), a deleted one leaves its groups through
``groups.departures.delete_bookmarks``. Each acts on the caller's own
bookmarks only."""

from datetime import datetime

from django.db import transaction

from bookmarks.models import Bookmark
from bookmarks.services import add_tags, remove_tags, save_bookmark, update_bookmark
from bookmarks.tagnames import fold
from groups.departures import delete_bookmarks

from .params import ApiError, name_from_wire, wire_key
from .selectors import bookmark_for_url, own_bookmarks, user_tags_by_wire


def tag_names_from_wire(user, tokens: list[str]) -> list[str]:
    """Our names for the tokens of a tag list (see ``params``). Raises ApiError."""
    known = {key: tags[0].name for key, tags in user_tags_by_wire(user, tokens).items()}
    return [name_from_wire(token, known) for token in tokens]


@transaction.atomic
def add_post(
    *,
    user,
    url: str,
    title: str,
    description: str,
    tag_tokens: list[str],
    created_at: datetime | None,
    replace: bool,
    is_private: bool,
    to_read: bool,
) -> Bookmark:
    """Pinboard's posts/add: save a new bookmark, or with ``replace`` set every
    field of the caller's bookmark of that page to what was sent. Its
    highlights, notes and group shares stay. Raises ApiError."""
    existing = bookmark_for_url(user, url)
    if existing is not None and not replace:
        raise ApiError("item already exists", status=200)
    names = tag_names_from_wire(user, tag_tokens)
    if existing is None:
        bookmark, _created = save_bookmark(
            user=user,
            url=url,
            title=title,
            description=description,
            tag_names=names,
            is_private=is_private,
            to_read=to_read,
            created_at=created_at,
        )
        return bookmark
    update_bookmark(
        bookmark=existing,
        title=title,
        description=description,
        tag_names=names,
        is_private=is_private,
        to_read=to_read,
    )
    if created_at is not None and created_at != existing.created_at:
        existing.created_at = created_at
        existing.save(update_fields=["created_at", "updated_at"])
    return existing


def delete_post(*, user, url: str) -> bool:
    """Delete the caller's bookmark of this URL; False when there is none."""
    bookmark = bookmark_for_url(user, url)
    if bookmark is None:
        return False
    delete_bookmarks(bookmarks=[bookmark])
    return True


@transaction.atomic
def delete_tag(*, user, token: str) -> int:
    """Take the tag off every bookmark of the caller's. Returns the links removed."""
    tags = user_tags_by_wire(user, [token]).get(wire_key(token), [])
    return remove_tags(bookmarks=own_bookmarks(user), tag_names=[tag.name for tag in tags])


@transaction.atomic
def rename_tag(*, user, old: str, new: str) -> int:
    """Give the caller's bookmarks tagged ``old`` the tag ``new`` instead.
    Returns how many bookmarks changed. Raises ApiError.

    Tags are shared by everyone (one row per folded name), so a rename that
    changes only case or width names the same tag and changes nothing."""
    olds = user_tags_by_wire(user, [old]).get(wire_key(old), [])
    if not olds:
        raise ApiError("item not found", status=200)
    new_name = tag_names_from_wire(user, [new])[0]
    ids = list(own_bookmarks(user).filter(tags__in=olds).distinct().values_list("pk", flat=True))
    tagged = Bookmark.objects.filter(pk__in=ids)
    add_tags(bookmarks=tagged, tag_names=[new_name])
    gone = [tag.name for tag in olds if tag.key != fold(new_name)]
    if gone:
        remove_tags(bookmarks=tagged, tag_names=gone)
    return len(ids)
