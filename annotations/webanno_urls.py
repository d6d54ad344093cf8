"""W3C Web Annotation JSON-LD: one annotation per highlight, containers per
bookmark, group and user, and a user's export."""

from django.urls import path

from . import webanno_views as views

app_name = "webanno"
urlpatterns = [
    path("highlights/<int:highlight_id>/", views.highlight, name="highlight"),
    path("bookmarks/<int:bookmark_id>/", views.bookmark_container, name="bookmark"),
    path("groups/<str:slug>/", views.group_container, name="group"),
    path("replies/<int:group_note_id>/", views.reply, name="reply"),
    path("users/<str:username>/", views.user_container, name="user"),
    path("export/", views.export, name="export"),
]
