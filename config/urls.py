from django.contrib import admin
from django.urls import include, path

from config.health import healthz
from groups import views as group_views

urlpatterns = [
    path("", group_views.home, name="home"),
    path("groups/", include("groups.urls")),
    path("", include("feeds.urls")),
    path("", include("bookmarks.urls")),
    path("", include("annotations.urls")),
    path("anno/", include("annotations.webanno_urls")),
    path("", include("accounts.urls")),
    path("api/v1/", include("interchange.pinboard_urls")),
    path("", include("interchange.export_urls")),
    path("", include("interchange.import_urls")),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
