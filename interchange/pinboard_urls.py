"""The Pinboard v1-compatible API, mounted at /api/v1/ (see interchange.pinboard).

Clients call ``posts/add`` and so on without a trailing slash, as on
Pinboard; one is accepted too. The token button of the settings page posts
to ``token/reset/``."""

from django.urls import path, re_path

from interchange.pinboard import token_views, views

app_name = "pinboard"

METHODS = {
    "posts/update": views.posts_update,
    "posts/add": views.posts_add,
    "posts/delete": views.posts_delete,
    "posts/get": views.posts_get,
    "posts/recent": views.posts_recent,
    "posts/dates": views.posts_dates,
    "posts/all": views.posts_all,
    "posts/suggest": views.posts_suggest,
    "tags/get": views.tags_get,
    "tags/delete": views.tags_delete,
    "tags/rename": views.tags_rename,
    "user/api_token": views.user_api_token,
}

urlpatterns = [
    path("token/reset/", token_views.reset_api_token, name="token_reset"),
    *(
        re_path(rf"^{method}/?$", view, name=method.replace("/", "_"))
        for method, view in METHODS.items()
    ),
    path("", views.unknown_method, name="base"),
    re_path(r"^.+$", views.unknown_method),
]
