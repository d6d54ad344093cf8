from django.urls import path

from . import views

app_name = "annotations"
urlpatterns = [
    path("bookmarks/<int:bookmark_id>/highlights/add/", views.add_highlight, name="highlight_add"),
    path("highlights/<int:highlight_id>/colour/", views.change_colour, name="highlight_colour"),
    path("highlights/<int:highlight_id>/delete/", views.delete_highlight, name="highlight_delete"),
    path("bookmarks/<int:bookmark_id>/notes/add/", views.add_note, name="note_add"),
    path("notes/<int:note_id>/edit/", views.edit_note, name="note_edit"),
    path("notes/<int:note_id>/delete/", views.delete_note, name="note_delete"),
]
