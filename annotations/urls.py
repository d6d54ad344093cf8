from django.urls import path

from . import api_views, reader_views, views

app_name = "annotations"
urlpatterns = [
    path("bookmarks/<int:bookmark_id>/highlights/add/", views.add_highlight, name="highlight_add"),
    path("highlights/<int:highlight_id>/colour/", views.change_colour, name="highlight_colour"),
    path("highlights/<int:highlight_id>/delete/", views.delete_highlight, name="highlight_delete"),
    path("bookmarks/<int:bookmark_id>/notes/add/", views.add_note, name="note_add"),
    path("notes/<int:note_id>/edit/", views.edit_note, name="note_edit"),
    path("notes/<int:note_id>/delete/", views.delete_note, name="note_delete"),
    # The reader. A group item's reader sits under the item's address; the
    # groups URLconf has no ".../read/" of its own, so resolution falls through to here.
    path("bookmarks/<int:bookmark_id>/read/", reader_views.read_bookmark, name="read_bookmark"),
    path("groups/<str:slug>/items/<int:item_id>/read/", reader_views.read_item, name="read_item"),
    # What the reader's script posts to (JSON in, JSON out).
    path(
        "api/bookmarks/<int:bookmark_id>/highlights/",
        api_views.add_highlight,
        name="api_highlight_add",
    ),
    path(
        "api/highlights/<int:highlight_id>/colour/",
        api_views.change_colour,
        name="api_highlight_colour",
    ),
    path(
        "api/highlights/<int:highlight_id>/delete/",
        api_views.delete_highlight,
        name="api_highlight_delete",
    ),
    path("api/highlights/<int:highlight_id>/notes/", api_views.add_note, name="api_note_add"),
    path("api/notes/<int:note_id>/edit/", api_views.edit_note, name="api_note_edit"),
    path("api/notes/<int:note_id>/delete/", api_views.delete_note, name="api_note_delete"),
    path(
        "api/groups/<str:slug>/items/<int:item_id>/notes/",
        api_views.add_group_note,
        name="api_group_note_add",
    ),
    path(
        "api/groups/<str:slug>/items/<int:item_id>/notes/<int:note_id>/edit/",
        api_views.edit_group_note,
        name="api_group_note_edit",
    ),
    path(
        "api/groups/<str:slug>/items/<int:item_id>/notes/<int:note_id>/delete/",
        api_views.delete_group_note,
        name="api_group_note_delete",
    ),
]
