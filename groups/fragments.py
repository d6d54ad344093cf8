"""Item cards of the list pages, rendered once per version of their group.

A card on the group page or a tag page shows the same thing to every reader
of the group: nothing on it depends on who reads (the controls that do are
on the item page only). So a card is rendered once per group version,
language and time zone, kept in the cache beside the group's pages
(``caching``), and a list page takes its twenty cards in one ``get_many``:
signed-in readers, who are never served a cached page, get a page built
from current fragments, with no card queries once those are warm.

The one thing on a card that changes without a new version is its view
count (a visit would otherwise retire every card of the group). It is left
out of the stored fragment, at ``VIEWS_SLOT``, and read live for the page's
items in one query, so every reader sees the count as it is now.
"""

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext

from .caching import DATA_TTL, version_key
from .cards import item_cards
from .models import Group, GroupItem
from .selectors import items_in_order

CARD_TEMPLATE = "groups/_item_card.html"
#: Where the live view count goes in a stored card. It cannot come from what
#: people write: their text is escaped, so no "<" of theirs reaches the card.
VIEWS_SLOT = mark_safe("<!--views-->")  # noqa: S308 - a fixed string


def views_label(count: int) -> str:
    """ "12 views", in the reader's language."""
    return ngettext("%(counter)s view", "%(counter)s views", count) % {"counter": count}


def _card_keys(group: Group, item_ids: list[int]) -> dict[int, str]:
    # Language and time zone change the words and the dates on the card.
    reader = f"{get_language() or ''}:{timezone.get_current_timezone_name()}"
    return {item_id: version_key(group, "card", f"{item_id}:{reader}") for item_id in item_ids}


def rendered_cards(group: Group, item_ids: list[int]) -> list[SafeString]:
    """The cards of these items of ``group``, in the order given, with live
    view counts. ``group`` was read in this request, so its version is current.

    One query when every card is stored (the view counts), then one cache
    round trip; for cards not stored, ``item_cards``' queries and one more
    round trip."""
    if not item_ids:
        return []
    views = dict(GroupItem.objects.filter(pk__in=item_ids).values_list("pk", "view_count"))
    keys = _card_keys(group, item_ids)
    stored = cache.get_many(list(keys.values()))
    missing = [item_id for item_id in item_ids if keys[item_id] not in stored]
    if missing:
        fresh = {}
        for card in item_cards(items_in_order(missing)):
            html = render_to_string(
                CARD_TEMPLATE, {"group": group, "card": card, "views_slot": VIEWS_SLOT}
            )
            fresh[keys[card.item.pk]] = html
        cache.set_many(fresh, DATA_TTL)
        stored.update(fresh)
    cards = []
    for item_id in item_ids:
        html = stored.get(keys[item_id])
        if html is None or item_id not in views:
            continue  # removed from the group since its id was read
        head, tail = html.split(VIEWS_SLOT, 1)
        cards.append(mark_safe(head + views_label(views[item_id]) + tail))  # noqa: S308
    return cards
