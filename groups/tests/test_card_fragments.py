"""The list pages' item cards, rendered once per group version, language
and time zone, with the view count read live (groups.fragments)."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from groups.cards import item_cards
from groups.fragments import rendered_cards
from groups.models import GroupItem
from groups.selectors import items_in_order

from .cached_pages import PAGES, body, get, make_shelf, tag_page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def item_list(html: str) -> str:
    start = html.index('<div class="item-list">')
    return html[start : html.index("</div>", html.rindex("</article>"))]


@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
@pytest.mark.parametrize("zone", ["UTC", "Asia/Taipei", "Pacific/Pago_Pago"])
def test_a_stored_card_is_the_card_rendered_in_place(build, language, zone):
    b = make_shelf(build)
    GroupItem.objects.filter(pk=b.featured.pk).update(view_count=3)
    with translation.override(language), timezone.override(zone):
        (card,) = item_cards(items_in_order([b.featured.pk]))
        in_place = render_to_string("groups/_item_card.html", {"group": b.group, "card": card})
        cold = rendered_cards(b.group, [b.featured.pk])
        warm = rendered_cards(b.group, [b.featured.pk])
    assert cold == warm == [in_place]
    assert "<!--views-->" not in in_place


def test_a_page_from_stored_cards_is_the_page_rendered_anew(client, build):
    b = make_shelf(build)
    for n in range(5):
        b.item(tags=["architecture"], highlights=n % 3, notes=1, title=f"Card {n}")
    client.force_login(b.member)
    cold = body(client.get(tag_page(b)))
    warm = body(client.get(tag_page(b)))
    assert item_list(cold) == item_list(warm)
    assert item_list(warm).count("<article") == 6


@pytest.mark.parametrize("surface", PAGES)
def test_stored_cards_cost_no_queries_whatever_their_number(client, build, surface):
    """Once the cards are stored, a signed-in page reads its ids and their
    view counts, never the cards' highlights, notes and snapshots."""
    small, large = make_shelf(build), make_shelf(lambda: build(slug="large"))
    for _ in range(25):
        large.item(tags=["architecture", "設計"], highlights=4, notes=2, discussion=1)
    counts = []
    for b in (small, large):
        client.force_login(b.member)
        _, first = get(client, surface(b))
        again, repeat = get(client, surface(b))
        assert again.status_code == 200
        counts.append((first, repeat))
    (small_first, small_repeat), (large_first, large_repeat) = counts
    assert small_repeat == large_repeat
    assert large_repeat <= large_first - 5  # item_cards' queries and the items'


def test_each_language_and_time_zone_has_its_own_cards(client, build):
    b = make_shelf(build)
    b.owner.language, b.owner.time_zone = "zh-hant", "Pacific/Pago_Pago"
    b.owner.save()
    client.force_login(b.member)
    theirs = item_list(body(client.get(tag_page(b))))
    client.force_login(b.owner)
    mine = item_list(body(client.get(tag_page(b))))
    assert mine != theirs
    assert "瀏覽" in mine and "views" in theirs  # the words…
    # …and the time, in each reader's zone.
    assert "2024-03-12T22:30:00-11:00" in mine and "2024-03-13T09:30:00+00:00" in theirs


def test_view_counts_are_live_on_stored_cards(client, build):
    b = make_shelf(build)
    client.force_login(b.member)
    assert "- 0 views" in body(client.get(tag_page(b)))
    visit = reverse("groups:visit", args=[b.group.slug, b.featured.pk])
    for expected in ("- 1 view<", "- 2 views<"):
        assert client.get(visit).status_code == 302
        assert expected in body(client.get(tag_page(b)))


def test_an_item_removed_after_its_id_was_read_is_left_out(build):
    b = make_shelf(build)
    other = b.item(tags=["architecture"], title="Going")
    rendered_cards(b.group, [b.featured.pk, other.pk])  # both stored
    GroupItem.objects.filter(pk=other.pk).delete()
    (card,) = rendered_cards(b.group, [b.featured.pk, other.pk])
    assert "The item" in card
