"""Importing a bookmark file: the upload form and each import's progress."""

from django.urls import path

from . import import_views as views

app_name = "import"
urlpatterns = [
    path("import/", views.upload, name="upload"),
    path("import/<int:job_id>/", views.job_detail, name="job"),
]
