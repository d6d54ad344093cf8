"""Writes for pages, bookmarks and tags. Views, admin, commands and tasks all
come through here."""

from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import QuerySet, UniqueConstraint
from django.utils import timezone

from .canonical import canonical_url, url_hash
from .models import Bookmark, BookmarkTag, Page, Tag
from .signals import content_changed
from .snapshotting import request_snapshots
from .tagnames import clean_tag_name, fold


def get_or_create_page(*, url: str) -> Page:
    """The Page for a URL, however it was written. Raises InvalidURL."""
    canonical = canonical_url(url)
    page = Page.objects.filter(url_hash=url_hash(canonical)).first()
    if page:
        return page
    try:
        with transaction.atomic():
            return Page.objects.create(url=canonical)
    except IntegrityError:  # another process created it meanwhile
        return Page.objects.get(url_hash=url_hash(canonical))


def get_or_create_pages(*, canonical_urls: Iterable[str]) -> dict[str, int]:
    """Page ids by canonical URL, creating the missing pages in one bulk insert."""
    by_hash = {url_hash(canonical): canonical for canonical in canonical_urls}
    found = dict(Page.objects.filter(url_hash__in=by_hash).values_list("url_hash", "id"))
    missing = [Page(url=c, url_hash=h) for h, c in by_hash.items() if h not in found]
    if missing:
        # bulk_create skips Page.save(), hence url_hash above; a page another
        # process created meanwhile is a conflict to ignore, then read back.
        Page.objects.bulk_create(missing, ignore_conflicts=True)
        found = dict(Page.objects.filter(url_hash__in=by_hash).values_list("url_hash", "id"))
    return {canonical: found[h] for h, canonical in by_hash.items()}


def get_or_create_tags(names: Iterable[str]) -> list[Tag]:
    """Tags for these names, in order, one per folded key; existing tags keep
    the name they were first written with. Raises InvalidTagName."""
    wanted: dict[str, str] = {}
    for raw in names:
        name = clean_tag_name(raw)
        wanted.setdefault(fold(name), name)
    if not wanted:
        return []
    existing = {tag.key: tag for tag in Tag.objects.filter(key__in=wanted)}
    missing = [Tag(name=name, key=key) for key, name in wanted.items() if key not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {tag.key: tag for tag in Tag.objects.filter(key__in=wanted)}
    return [existing[key] for key in wanted]


def set_bookmark_tags(*, bookmark: Bookmark, tags: Iterable[Tag]) -> None:
    tags = list(tags)
    BookmarkTag.objects.filter(bookmark=bookmark).exclude(tag__in=tags).delete()
    BookmarkTag.objects.bulk_create(
        [BookmarkTag(bookmark=bookmark, tag=tag) for tag in tags], ignore_conflicts=True
    )


@transaction.atomic
def save_bookmark(
    *,
    user,
    url: str,
    title: str = "",
    description: str = "",
    tag_names: Iterable[str] = (),
    is_private: bool = False,
    to_read: bool = False,
    created_at: datetime | None = None,
    snapshot: bool = True,
) -> tuple[Bookmark, bool]:
    """Save a URL to the user's library, or update their bookmark of it.

    A new bookmark asks for a snapshot of its page (taken by a worker after
    the transaction commits) unless ``snapshot`` is False, as for made-up
    demo pages. Returns (bookmark, created). Raises InvalidURL or
    InvalidTagName before writing anything."""
    tags = get_or_create_tags(tag_names)
    page = get_or_create_page(url=url)
    bookmark, created = Bookmark.objects.get_or_create(
        user=user,
        page=page,
        defaults={
            "url": url.strip(),
            "title": title,
            "description": description,
            "is_private": is_private,
            "to_read": to_read,
            "created_at": created_at or timezone.now(),
        },
    )
    if not created:
        bookmark.title = title or bookmark.title
        bookmark.description = description or bookmark.description
        bookmark.is_private = is_private
        bookmark.to_read = to_read
        bookmark.save(update_fields=["title", "description", "is_private", "to_read", "updated_at"])
    set_bookmark_tags(bookmark=bookmark, tags=tags)
    if created and snapshot:
        request_snapshots(page_ids=[page.pk])
    return bookmark, created


@transaction.atomic
def merge_tags(*, keep: Tag, merged: Iterable[Tag]) -> int:
    """Move every use of the merged tags to ``keep`` and delete them.

    Every table that links to Tag (bookmarks' tags, group items' tags, …) is
    moved, so this needs no knowledge of the apps above. Returns the number of
    tags removed."""
    merged = [tag for tag in merged if tag.pk != keep.pk]
    moved = list(BookmarkTag.objects.filter(tag__in=merged).values_list("bookmark_id", flat=True))
    for relation in Tag._meta.related_objects:
        if relation.many_to_many or not relation.field.concrete:
            continue
        _move_tag_links(relation.related_model, relation.field.name, keep, merged)
    Tag.objects.filter(pk__in=[tag.pk for tag in merged]).delete()
    content_changed.send(sender=Tag, bookmark_ids=moved, tag_ids=[keep.pk])
    return len(merged)


def _move_tag_links(model, tag_field: str, keep: Tag, merged: list[Tag]) -> None:
    # The link table's unique key pairs the tag with its owner (a bookmark,
    # a group item): an owner that already has the kept tag loses its link to
    # the merged one instead of gaining a duplicate.
    owner = next(
        (
            field
            for constraint in model._meta.constraints
            if isinstance(constraint, UniqueConstraint) and tag_field in constraint.fields
            for field in constraint.fields
            if field != tag_field
        ),
        None,
    )
    for tag in merged:
        links = model.objects.filter(**{tag_field: tag})
        if owner:
            kept_owners = model.objects.filter(**{tag_field: keep}).values(owner)
            links.filter(**{f"{owner}__in": kept_owners}).delete()
        links.update(**{tag_field: keep})


@transaction.atomic
def update_bookmark(
    *,
    bookmark: Bookmark,
    title: str,
    description: str,
    tag_names: Iterable[str],
    is_private: bool,
    to_read: bool,
) -> Bookmark:
    """Set a bookmark's own fields and tags to exactly these values (an empty
    title or description clears it). Its page stays the same. Raises
    InvalidTagName before writing anything."""
    tags = get_or_create_tags(tag_names)
    bookmark.title = title
    bookmark.description = description
    bookmark.is_private = is_private
    bookmark.to_read = to_read
    bookmark.save(update_fields=["title", "description", "is_private", "to_read", "updated_at"])
    set_bookmark_tags(bookmark=bookmark, tags=tags)
    return bookmark


def set_to_read(*, bookmark: Bookmark, to_read: bool) -> None:
    bookmark.to_read = to_read
    bookmark.save(update_fields=["to_read", "updated_at"])


# Bulk changes take a queryset of bookmarks the caller has already limited to
# one owner's, and run a fixed number of queries however many it holds.


def set_privacy(*, bookmarks: QuerySet[Bookmark], is_private: bool) -> int:
    """Make the bookmarks private or public. Returns how many changed."""
    changing = bookmarks.exclude(is_private=is_private)
    ids = list(changing.values_list("pk", flat=True))
    changed = Bookmark.objects.filter(pk__in=ids).update(
        is_private=is_private, updated_at=timezone.now()
    )
    content_changed.send(sender=Bookmark, bookmark_ids=ids)
    return changed


@transaction.atomic
def add_tags(*, bookmarks: QuerySet[Bookmark], tag_names: Iterable[str]) -> int:
    """Add tags to every bookmark. Raises InvalidTagName. Returns the links added."""
    tags = get_or_create_tags(tag_names)
    ids = list(bookmarks.values_list("pk", flat=True))
    if not tags or not ids:
        return 0
    existing = set(
        BookmarkTag.objects.filter(bookmark_id__in=ids, tag__in=tags).values_list(
            "bookmark_id", "tag_id"
        )
    )
    links = [
        BookmarkTag(bookmark_id=bookmark_id, tag=tag)
        for bookmark_id in ids
        for tag in tags
        if (bookmark_id, tag.pk) not in existing
    ]
    BookmarkTag.objects.bulk_create(links, ignore_conflicts=True)
    Bookmark.objects.filter(pk__in=ids).update(updated_at=timezone.now())
    content_changed.send(sender=Bookmark, bookmark_ids=ids)
    return len(links)


@transaction.atomic
def remove_tags(*, bookmarks: QuerySet[Bookmark], tag_names: Iterable[str]) -> int:
    """Take tags off every bookmark; names no tag has are ignored. Returns
    the links removed."""
    keys = {fold(clean_tag_name(name)) for name in tag_names}
    ids = list(bookmarks.values_list("pk", flat=True))
    if not keys or not ids:
        return 0
    links = BookmarkTag.objects.filter(bookmark_id__in=ids, tag__key__in=keys)
    changed = list(links.values_list("bookmark_id", flat=True).distinct())
    removed, _ = links.delete()
    Bookmark.objects.filter(pk__in=changed).update(updated_at=timezone.now())
    content_changed.send(sender=Bookmark, bookmark_ids=list(changed))
    return removed
