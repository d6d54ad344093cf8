"""URLs of export_urls (filled in by its views)."""

app_name = "export"
urlpatterns = []
