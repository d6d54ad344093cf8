"""Exports: one's library, a group, either limited to a tag with ``?tag=``."""

from django.urls import path

from . import export_views as views

app_name = "export"
urlpatterns = [
    path("export/", views.export_index, name="index"),
    path("export/bookmarks.html", views.library_html, name="library_html"),
    path("export/bookmarks.csv", views.library_csv, name="library_csv"),
    path("export/groups/<str:slug>/items.html", views.group_html, name="group_html"),
    path("export/groups/<str:slug>/items.csv", views.group_csv, name="group_csv"),
]
