from functools import partial
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from . import selectors
from .caching import cache_anonymous_page
from .fragments import rendered_cards
from .pagination import page_links, read_window
from .visibility import get_readable_group, readable_items

HOME_GROUPS = 12
HOME_ITEMS = 20
GROUPS_PER_PAGE = 50


@require_safe
def home(request):
    return render(
        request,
        "home.html",
        {
            "groups": selectors.public_groups(limit=HOME_GROUPS),
            "items": selectors.recent_items(request.user, limit=HOME_ITEMS),
        },
    )


@require_safe
def group_list(request):
    # get_page clamps a bad or out-of-range ?page= to a real page: never a 500.
    paginator = Paginator(selectors.groups_with_counts(request.user), GROUPS_PER_PAGE)
    return render(
        request,
        "groups/group_list.html",
        {"page_obj": paginator.get_page(request.GET.get("page"))},
    )


def feed_token_query(request, group) -> str:
    """A private group's feed links carry the member's token, so a feed
    reader (which has no session) can follow them."""
    if group.is_public or not request.user.is_authenticated:
        return ""
    return "?" + urlencode({"token": request.user.feed_token})


@require_safe
@cache_anonymous_page
def group_tag(request, slug, tag):
    """A group's items with a tag, or with every tag of ``a,b``, newest first."""
    group = get_readable_group(request.user, slug)
    found = selectors.tag_page(group, tag)
    if found is None:
        raise Http404("No such tag, or too many.")
    tags, tagged = found.tags, found.tagged
    path = selectors.tag_path(tags)
    if path != tag:
        # Another casing, form or order of the tags: one URL per set of tags.
        url = reverse("groups:tag", args=[group.slug, path])
        query = request.META.get("QUERY_STRING")
        return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
    window = read_window(request.GET, count=tagged.count)
    ids = partial(selectors.group_item_ids_tagged, group, tags, driver_id=tagged.driver_id)
    path_key = "tagged:" + ",".join(str(tag.pk) for tag in tags)
    return render(
        request,
        "groups/group_tag.html",
        {
            "group": group,
            "tags": tags,
            "tag_path": path,
            "tag_label": " + ".join(tag.name for tag in tags),
            "cards": rendered_cards(group, selectors.page_ids(group, path_key, ids, window)),
            "window": window,
            "links": page_links(window, path=request.path),
            "feed_token_query": feed_token_query(request, group),
            # Reversed once here, not in both places the template shows them.
            "rss_url": reverse("feeds:group_tag_rss", args=[group.slug, path]),
            "atom_url": reverse("feeds:group_tag_atom", args=[group.slug, path]),
        },
    )


@require_safe
def item_visit(request, slug, item_id):
    """Count a view, then send the reader to the page itself."""
    group = get_readable_group(request.user, slug)
    item = (
        readable_items(request.user, group)
        .filter(pk=item_id)
        .select_related("page")
        .only("pk", "page__url")
        .first()
    )
    if item is None or not item.page.url.lower().startswith(("http://", "https://")):
        raise Http404("No such item.")
    type(item).objects.filter(pk=item.pk).update(view_count=F("view_count") + 1)
    return HttpResponseRedirect(item.page.url)
