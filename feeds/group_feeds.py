"""A group's feeds, all items or those with a tag (or with every tag of
``a,b``), as RSS 2.0 and Atom. Items are the same cards the group pages show
(``groups.cards``), loaded in constant queries.

An anonymous reader of a public group's feed is served from the cache until
the group's version changes (``groups.caching``); conditional GET is
answered from the cached ETag and Last-Modified."""

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from groups import selectors
from groups.caching import FEED_TTL, serve_anonymous
from groups.cards import ItemCard, item_cards
from groups.models import Group

from .access import group_for_feed, tags_for_feed
from .base import FEED_ITEMS, BaseFeed, FeedSource, feed_path
from .conditional import answer_conditionally
from .generators import AtomFeed

GROUP_TITLE = _("Items shared in %(group)s")
GROUP_DESCRIPTION = _("The newest items shared in the group %(group)s.")
GROUP_TAG_TITLE = _("Group items tagged %(tag)s in %(group)s")
GROUP_TAG_DESCRIPTION = _("The newest items tagged %(tag)s in the group %(group)s.")


class GroupCardFeed(BaseFeed):
    """Items are ItemCards. Each links to its item page on this site, which is
    also its GUID: the page shows every highlight, note and reply, is stable
    whatever happens to the bookmarked URL, and keeps a private group's items
    behind membership. The bookmarked page is linked from the description."""

    description_template = "feeds/group_item.html"

    def __call__(self, request: HttpRequest, slug: str, **kwargs) -> HttpResponse:
        def build(group: Group | None) -> HttpResponse:
            return self.full_response(request, group or group_for_feed(request, slug), **kwargs)

        response = serve_anonymous(
            request,
            slug,
            build,
            kind="feed",
            timeout=FEED_TTL,
            answer=lambda stored: answer_conditionally(request, stored),
        )
        return answer_conditionally(request, response)

    def get_context_data(self, *, item: ItemCard, request, **kwargs) -> dict:
        visit = reverse("groups:visit", args=[item.item.group.slug, item.item.pk])
        return {
            "card": item,
            "page_url": item.item.page.url,
            "visit_url": request.build_absolute_uri(visit),
        }

    def item_title(self, card: ItemCard) -> str:
        return card.title

    def item_link(self, card: ItemCard) -> str:
        return reverse("groups:item", args=[card.item.group.slug, card.item.pk])

    def item_author_name(self, card: ItemCard) -> str:
        sharer = card.item.shared_by
        return sharer.name if sharer is not None else gettext("a former member")

    def item_pubdate(self, card: ItemCard):
        return card.item.shared_at

    def item_updateddate(self, card: ItemCard):
        # Atom readers refresh an entry when this moves: a new note on an old item.
        return card.last_modified

    def item_categories(self, card: ItemCard) -> list[str]:
        return [tag.name for tag in card.tags]


class GroupRss(GroupCardFeed):
    def get_object(self, request, group: Group) -> FeedSource:
        items = list(selectors.group_items(group)[:FEED_ITEMS])
        names = {"group": group.name}
        return FeedSource(
            title=GROUP_TITLE % names,
            description=group.description.strip() or GROUP_DESCRIPTION % names,
            link=reverse("groups:detail", args=[group.slug]),
            feed_path=feed_path(request),
            items=item_cards(items, fold=False),
            empty_date=group.created_at,
            private=not group.is_public,
        )


class GroupAtom(GroupRss):
    feed_type = AtomFeed


class GroupTagRss(GroupCardFeed):
    def get_object(self, request, group: Group, tag: str) -> FeedSource:
        # The group was found first: another spelling of a tag must not
        # reveal a private group.
        tags = tags_for_feed(tag)
        driver_id = tags[0].pk if len(tags) == 1 else selectors.count_tagged(group, tags).driver_id
        ids = selectors.group_item_ids_tagged(group, tags, driver_id=driver_id)
        names = {"group": group.name, "tag": " + ".join(tag.name for tag in tags)}
        return FeedSource(
            title=GROUP_TAG_TITLE % names,
            description=GROUP_TAG_DESCRIPTION % names,
            link=reverse("groups:tag", args=[group.slug, selectors.tag_path(tags)]),
            feed_path=feed_path(request),
            items=item_cards(selectors.items_in_order(list(ids[:FEED_ITEMS])), fold=False),
            empty_date=group.created_at,
            private=not group.is_public,
        )


class GroupTagAtom(GroupTagRss):
    feed_type = AtomFeed
