from django.urls import path

from . import views

app_name = "bookmarks"
urlpatterns = [
    path("u/<str:username>/", views.user_library, name="user"),
    path("u/<str:username>/tags/<str:tag>/", views.user_tag, name="user_tag"),
    path("bookmarks/<int:bookmark_id>/", views.bookmark_detail, name="detail"),
    path("cached/<int:snapshot_id>/", views.cached_copy, name="cached"),
]
