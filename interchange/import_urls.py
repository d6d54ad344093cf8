"""URLs of import_urls (filled in by its views)."""

app_name = "import"
urlpatterns = []
