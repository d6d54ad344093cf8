"""/healthz: is the database reachable, and the broker?"""

import logging

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_safe

from config.celery import app

logger = logging.getLogger(__name__)


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        logger.exception("Health check: the database is unreachable")
        return False


def broker_ok() -> bool:
    try:
        with app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        logger.exception("Health check: the broker is unreachable")
        return False


@require_safe
def healthz(request):
    checks = {"database": database_ok(), "broker": broker_ok()}
    return JsonResponse(checks, status=200 if all(checks.values()) else 503)
