from django.urls import path

from . import edit_views, library_views, views

app_name = "bookmarks"
urlpatterns = [
    path("u/<str:username>/", views.user_library, name="user"),
    path("u/<str:username>/tags/<str:tag>/", views.user_tag, name="user_tag"),
    path("bookmarks/", library_views.library, name="library"),
    path("bookmarks/bulk/", library_views.bulk, name="bulk"),
    path("bookmarks/new/", edit_views.new_bookmark, name="new"),
    path("bookmarks/<int:bookmark_id>/", views.bookmark_detail, name="detail"),
    path("bookmarks/<int:bookmark_id>/edit/", edit_views.edit_bookmark, name="edit"),
    path("bookmarks/<int:bookmark_id>/delete/", edit_views.delete_bookmark, name="delete"),
    path("bookmarks/<int:bookmark_id>/to-read/", edit_views.mark_to_read, name="to_read"),
    path(
        "bookmarks/<int:bookmark_id>/snapshot/",
        edit_views.take_new_snapshot,
        name="take_snapshot",
    ),
    path("cached/<int:snapshot_id>/", views.cached_copy, name="cached"),
    path("cached/<int:snapshot_id>/frame/", views.cached_copy_frame, name="cached_frame"),
]
