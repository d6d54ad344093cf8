"""Settings for the site benchmark: production settings (config.settings.base,
read from the environment as always) plus the floor views' URLs and template."""

from config.settings.base import *  # noqa: F403
from config.settings.base import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"
TEMPLATES = [
    {**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]},
    *TEMPLATES[1:],
]
