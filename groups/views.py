from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render

from . import selectors

HOME_GROUPS = 12
HOME_ITEMS = 20
GROUPS_PER_PAGE = 50


def home(request):
    return render(
        request,
        "home.html",
        {
            "groups": selectors.public_groups(limit=HOME_GROUPS),
            "items": selectors.recent_items(request.user, limit=HOME_ITEMS),
        },
    )


def group_list(request):
    # get_page clamps a bad or out-of-range ?page= to a real page: never a 500.
    paginator = Paginator(selectors.groups_with_counts(request.user), GROUPS_PER_PAGE)
    return render(
        request,
        "groups/group_list.html",
        {"page_obj": paginator.get_page(request.GET.get("page"))},
    )


def healthz(request):
    return JsonResponse({"ok": True})
