"""URLs of pinboard_urls (filled in by its views)."""

app_name = "pinboard"
urlpatterns = []
