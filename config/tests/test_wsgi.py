"""The WSGI entry point gunicorn loads."""

import gc
import importlib


def test_the_loaded_application_is_kept_out_of_the_collectors_sight():
    gc.unfreeze()
    try:
        wsgi = importlib.reload(importlib.import_module("config.wsgi"))
        assert callable(wsgi.application)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
