"""The site's URLs with the benchmark's floor views in front: the product's
own URLs stay untouched (bench/settings.py points ROOT_URLCONF here)."""

from django.urls import path

from config.urls import urlpatterns as site_urlpatterns

from . import floor

urlpatterns = [
    path("bench/floor/items/", floor.items, name="bench_floor_items"),
    path("bench/floor/bytes/", floor.two_bytes, name="bench_floor_bytes"),
    *site_urlpatterns,
]
