from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from config.health import healthz
from groups import views as group_views

urlpatterns = [
    path("", group_views.home, name="home"),
    # Feeds first: feed readers ask for them more than people open pages, and
    # URLs are tried in order (a group's feed would otherwise be tried against
    # every group page first). No feed URL is also a page's (groups/invite/rss/
    # would be, but an invitation token is never "rss" or "atom").
    path("", include("feeds.urls")),
    path("groups/", include("groups.urls")),
    path("search/", include("search.urls")),
    path("", include("bookmarks.urls")),
    path("", include("annotations.urls")),
    path("anno/", include("annotations.webanno_urls")),
    path("", include("accounts.urls")),
    path("api/v1/", include("interchange.pinboard_urls")),
    path("", include("interchange.export_urls")),
    path("", include("interchange.import_urls")),
    # No CSRF token: one in every page's footer would make each page personal
    # and defeat the anonymous page cache. A forged post can only change a
    # language cookie; the saved preference needs the session cookie, which
    # is SameSite=Lax and so never rides on a cross-site POST.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
