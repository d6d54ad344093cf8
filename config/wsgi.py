import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
application = get_wsgi_application()

# What is loaded by now (Django, the apps, their modules and models) lives as
# long as the worker: out of the collector's sight, a full collection reads
# only what requests made since. Unfrozen, a full collection read all of it,
# holding the worker some 70 ms, once every few hundred searches (which build
# many objects), and every request queued behind it waited as long. Garbage
# left from start-up is collected first: frozen, it would never be.
gc.collect()
gc.freeze()
