"""Group items as readers see them: each item with its sharers, their
highlights and sticky notes, the group's discussion, tags and cached copy.

Pages and feeds list items through ``item_cards``, which loads any number of
items in a constant number of queries (one per kind of row) and assembles
them in Python. Callers have already checked that the reader may open the
group; every share in a readable group is readable, so nothing here filters.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import OuterRef, QuerySet, Subquery

from annotations.models import Highlight, Note
from bookmarks.models import Snapshot, Tag
from bookmarks.selectors import newest_cached_snapshot_id

from .models import GroupItem, GroupItemTag, GroupNote, GroupShare

#: Highlights shown before "…N more annotations…" (the reference shows three).
FOLDED_HIGHLIGHTS = 3


@dataclass
class HighlightView:
    highlight: Highlight
    #: The sharer's sticky notes on this highlight.
    notes: list[Note] = field(default_factory=list)
    #: Group members' discussion notes on this highlight.
    discussion: list[GroupNote] = field(default_factory=list)


@dataclass
class SharerView:
    """One person's share of the item: their highlights and notes."""

    share: GroupShare
    highlights: list[HighlightView] = field(default_factory=list)
    #: Sticky notes on the bookmark as a whole.
    notes: list[Note] = field(default_factory=list)

    @property
    def person(self):
        return self.share.bookmark.user


@dataclass
class ItemCard:
    item: GroupItem
    title: str
    description: str
    sharers: list[SharerView]
    tags: list[Tag]
    #: Discussion notes on the item as a whole.
    discussion: list[GroupNote]
    cached_snapshot_id: int | None
    #: "cached", "caching" (a snapshot is pending), "failed" or "none".
    cache_state: str = "none"
    cache_error: str = ""
    #: Set by ``fold``: the sharers' views cut after the first few highlights.
    shown: list[SharerView] = field(default_factory=list)
    hidden: list[SharerView] = field(default_factory=list)
    hidden_count: int = 0

    @property
    def several_sharers(self) -> bool:
        return len(self.sharers) > 1

    @property
    def highlight_count(self) -> int:
        return sum(len(sharer.highlights) for sharer in self.sharers)

    @property
    def all_notes(self) -> list[Note | GroupNote]:
        """Every note the card shows, for feeds and their freshness."""
        notes: list[Note | GroupNote] = list(self.discussion)
        for sharer in self.sharers:
            notes.extend(sharer.notes)
            for view in sharer.highlights:
                notes.extend(view.notes)
                notes.extend(view.discussion)
        return notes

    @property
    def last_modified(self) -> datetime:
        """When anything this card shows last changed."""
        stamps = [self.item.shared_at, *(note.updated_at for note in self.all_notes)]
        for sharer in self.sharers:
            stamps.append(sharer.share.bookmark.updated_at)
            stamps.extend(view.highlight.updated_at for view in sharer.highlights)
        return max(stamps)


def items_with_cache_state(items: QuerySet[GroupItem]) -> QuerySet[GroupItem]:
    """Items with their page and first sharer joined, and the id of their
    page's newest good snapshot (the cached copy) as ``cached_snapshot_id``."""
    newest = Snapshot.objects.filter(page=OuterRef("page")).order_by("-created_at", "-id")
    return items.select_related("page", "shared_by", "group").annotate(
        cached_snapshot_id=newest_cached_snapshot_id(),
        newest_snapshot_status=Subquery(newest.values("status")[:1]),
        newest_snapshot_error=Subquery(newest.values("error")[:1]),
    )


def item_cards(items: list[GroupItem], *, fold: bool = True) -> list[ItemCard]:
    """Cards for items loaded through ``items_with_cache_state``, in their order.

    Six queries whatever the number of items, highlights and notes."""
    if not items:
        return []
    by_id = {item.pk: item for item in items}
    shares = list(
        GroupShare.objects.filter(item__in=by_id)
        .select_related("bookmark__user")
        .order_by("item", "shared_at", "id")
    )
    bookmark_ids = {share.bookmark_id for share in shares}
    highlights = Highlight.objects.filter(bookmark__in=bookmark_ids).order_by(
        "bookmark", "ordinal", "id"
    )
    notes = Note.objects.filter(bookmark__in=bookmark_ids).order_by("created_at", "id")
    discussion = (
        GroupNote.objects.filter(item__in=by_id)
        .select_related("author")
        .order_by("created_at", "id")
    )
    tag_links = (
        GroupItemTag.objects.filter(item__in=by_id).select_related("tag").order_by("tag__key")
    )

    highlights_of = defaultdict(list)
    views: dict[int, HighlightView] = {}
    for highlight in highlights:
        views[highlight.pk] = HighlightView(highlight)
        highlights_of[highlight.bookmark_id].append(views[highlight.pk])
    bookmark_notes = defaultdict(list)
    for note in notes:
        if note.highlight_id in views:
            views[note.highlight_id].notes.append(note)
        else:
            bookmark_notes[note.bookmark_id].append(note)
    item_discussion = defaultdict(list)
    for note in discussion:
        view = views.get(note.highlight_id)
        if view is not None and note.highlight_id is not None:
            view.discussion.append(note)
        else:
            item_discussion[note.item_id].append(note)
    sharers_of = defaultdict(list)
    for share in shares:
        sharers_of[share.item_id].append(
            SharerView(
                share,
                highlights=highlights_of[share.bookmark_id],
                notes=bookmark_notes[share.bookmark_id],
            )
        )
    tags_of = defaultdict(list)
    for link in tag_links:
        tags_of[link.item_id].append(link.tag)

    cards = []
    for item in items:
        sharers = sharers_of[item.pk]
        first = sharers[0].share.bookmark if sharers else None
        card = ItemCard(
            item=item,
            title=(first.title if first else "") or item.page.title or item.page.url,
            description=first.description if first else "",
            sharers=sharers,
            tags=tags_of[item.pk],
            discussion=item_discussion[item.pk],
            cached_snapshot_id=getattr(item, "cached_snapshot_id", None),
            cache_state=_cache_state(item),
            cache_error=getattr(item, "newest_snapshot_error", "") or "",
        )
        _fold(card, limit=FOLDED_HIGHLIGHTS if fold else None)
        cards.append(card)
    return cards


def _cache_state(item: GroupItem) -> str:
    """A good copy wins; otherwise what the newest snapshot says."""
    if getattr(item, "cached_snapshot_id", None):
        return "cached"
    return {
        Snapshot.Status.PENDING: "caching",
        Snapshot.Status.FAILED: "failed",
    }.get(getattr(item, "newest_snapshot_status", None), "none")


def _fold(card: ItemCard, *, limit: int | None) -> None:
    """Split the sharers' highlights after the first ``limit`` of the item."""
    if limit is None or card.highlight_count <= limit:
        card.shown, card.hidden, card.hidden_count = card.sharers, [], 0
        return
    remaining = limit
    for sharer in card.sharers:
        head, tail = sharer.highlights[:remaining], sharer.highlights[remaining:]
        remaining -= len(head)
        if head or not tail:
            card.shown.append(SharerView(sharer.share, head, sharer.notes))
        if tail:
            # Notes on the whole bookmark stay with the visible part when it shows.
            notes = [] if head else sharer.notes
            card.hidden.append(SharerView(sharer.share, tail, notes))
    card.hidden_count = card.highlight_count - limit
