from django.urls import path

from . import item_views, manage_views, views
from .caching import cache_anonymous_page

app_name = "groups"
urlpatterns = [
    path("", views.group_list, name="list"),
    # Fixed words before "<slug>/": forms.RESERVED_SLUGS keeps groups off them.
    path("new/", manage_views.new_group, name="new"),
    path("invite/<str:token>/", manage_views.accept_invitation, name="accept_invitation"),
    # Anonymous readers of a public group's page get it from the cache.
    path("<str:slug>/", cache_anonymous_page(manage_views.group_detail), name="detail"),
    # The pages read most come first: URLs are tried in order.
    # <tag> is one tag, or several joined by commas: the items having them all.
    path("<str:slug>/tags/<str:tag>/", views.group_tag, name="tag"),
    path(
        "<str:slug>/items/<int:item_id>/",
        cache_anonymous_page(item_views.item_detail),
        name="item",
    ),
    path("<str:slug>/edit/", manage_views.edit_group, name="edit"),
    path("<str:slug>/join/", manage_views.join_group, name="join"),
    path("<str:slug>/leave/", manage_views.leave_group, name="leave"),
    path("<str:slug>/members/", manage_views.members, name="members"),
    path("<str:slug>/members/add/", manage_views.add_member, name="add_member"),
    path(
        "<str:slug>/members/<str:username>/role/",
        manage_views.change_member_role,
        name="change_role",
    ),
    path(
        "<str:slug>/members/<str:username>/remove/",
        manage_views.remove_group_member,
        name="remove_member",
    ),
    path("<str:slug>/invitations/", manage_views.create_invitation, name="create_invitation"),
    path(
        "<str:slug>/invitations/<int:invitation_id>/revoke/",
        manage_views.revoke_invitation,
        name="revoke_invitation",
    ),
    path("<str:slug>/items/<int:item_id>/visit/", views.item_visit, name="visit"),
    path("<str:slug>/items/<int:item_id>/notes/", item_views.add_note, name="add_note"),
    path(
        "<str:slug>/items/<int:item_id>/notes/<int:note_id>/edit/",
        item_views.edit_note,
        name="edit_note",
    ),
    path(
        "<str:slug>/items/<int:item_id>/notes/<int:note_id>/delete/",
        item_views.delete_note,
        name="delete_note",
    ),
    path("<str:slug>/items/<int:item_id>/tags/", item_views.edit_tags, name="item_tags"),
    path("<str:slug>/items/<int:item_id>/remove/", item_views.remove_item, name="remove_item"),
    path("<str:slug>/items/<int:item_id>/unshare/", item_views.unshare, name="unshare"),
]
