"""Who may see what. Every listing of content goes through these selectors.

- A public group's items and discussion: anyone.
- A private group's: its current members only; everyone else is told the
  group does not exist (404, never 403).
- A bookmark: its owner; anyone if it is public; otherwise the readers of a
  group it is shared into.
- Highlights and sticky notes travel with their bookmark.
- Group discussion notes: the readers of that group only.

A ``reader`` is a User or an AnonymousUser. Superusers get no special
treatment here: staff curate through Django admin.
"""

from functools import lru_cache

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.sql import Query
from django.http import Http404

from annotations.models import Highlight, Note
from bookmarks.models import Bookmark

from .caching import group_at
from .models import Group, GroupItem, GroupNote, GroupShare, Membership


def _reader_id(reader) -> int | None:
    return reader.pk if reader is not None and reader.is_authenticated else None


# The two rules below are queries built once per reader in each process and
# copied for every use: building one resolves its subqueries, half a
# millisecond for readable_bookmarks, while a copy costs microseconds. Only
# the query is kept, never a row: who may read what is decided by the
# database each time one runs, so a copy is as current as a new one.
RULES_KEPT = 1024


def readable_groups(reader) -> QuerySet[Group]:
    """Groups the reader may open: public ones and those they belong to."""
    return _copy(Group, _readable_groups(_reader_id(reader)))


@lru_cache(maxsize=RULES_KEPT)
def _readable_groups(reader_id: int | None) -> Query:
    condition = Q(visibility=Group.Visibility.PUBLIC)
    if reader_id is not None:
        condition |= Exists(Membership.objects.filter(group=OuterRef("pk"), user_id=reader_id))
    return Group.objects.filter(condition).query


def _copy(model, kept: Query) -> QuerySet:
    """A new queryset around a copy of a kept rule: nothing done to it (more
    joins, use as a subquery, ``|`` and ``&``) reaches the kept one."""
    query = kept.chain()
    # A copy shares the lists of table_map with the query it copies; a
    # further join of the same table would append to the kept rule's.
    query.table_map = {table: list(aliases) for table, aliases in query.table_map.items()}
    queryset = model._default_manager.all()
    queryset.query = query
    return queryset


def get_readable_group(reader, slug: str) -> Group:
    """The group with this slug, or 404 when it is missing or hidden from the
    reader: ``readable_groups``' rule for one group, in two plain queries at
    most (membership is asked only of a members-only group), the first of
    them kept in a shared cache (``caching.group_at``), as every page of a
    group starts here."""
    group = group_at(slug)
    if group is None or not (group.is_public or is_member(reader, group)):
        raise Http404("No such group.")
    return group


def is_member(reader, group: Group) -> bool:
    reader_id = _reader_id(reader)
    return (
        reader_id is not None and Membership.objects.filter(group=group, user_id=reader_id).exists()
    )


def role_in(reader, group: Group) -> str | None:
    """The reader's role in the group, or None for a non-member."""
    reader_id = _reader_id(reader)
    if reader_id is None:
        return None
    return (
        Membership.objects.filter(group=group, user_id=reader_id)
        .values_list("role", flat=True)
        .first()
    )


def readable_items(reader, group: Group | None = None) -> QuerySet[GroupItem]:
    """Group items in groups the reader may open (in one group if given)."""
    items = GroupItem.objects.filter(group__in=readable_groups(reader))
    if group is not None:
        items = items.filter(group=group)
    return items


def readable_bookmarks(reader) -> QuerySet[Bookmark]:
    """Bookmarks the reader may open: their own, public ones, and private
    ones shared into a group the reader may open."""
    return _copy(Bookmark, _readable_bookmarks(_reader_id(reader)))


@lru_cache(maxsize=RULES_KEPT)
def _readable_bookmarks(reader_id: int | None) -> Query:
    groups = _copy(Group, _readable_groups(reader_id))
    condition = Q(is_private=False) | Exists(
        GroupShare.objects.filter(bookmark=OuterRef("pk"), item__group__in=groups)
    )
    if reader_id is not None:
        condition |= Q(user_id=reader_id)
    return Bookmark.objects.filter(condition).query


def public_bookmarks_of(owner, reader) -> QuerySet[Bookmark]:
    """A user's library as the reader sees it: everything for its owner,
    the public bookmarks for anyone else."""
    bookmarks = Bookmark.objects.filter(user=owner)
    if _reader_id(reader) != owner.pk:
        bookmarks = bookmarks.filter(is_private=False)
    return bookmarks


def readable_highlights(reader) -> QuerySet[Highlight]:
    return Highlight.objects.filter(bookmark__in=readable_bookmarks(reader))


def readable_notes(reader) -> QuerySet[Note]:
    return Note.objects.filter(bookmark__in=readable_bookmarks(reader))


def readable_group_notes(reader, group: Group | None = None) -> QuerySet[GroupNote]:
    notes = GroupNote.objects.filter(item__group__in=readable_groups(reader))
    if group is not None:
        notes = notes.filter(item__group=group)
    return notes
