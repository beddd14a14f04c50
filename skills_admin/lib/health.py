"""What /healthz reports: the database, the cache/broker and the last Celery worker heartbeat."""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection

HEARTBEAT_KEY = "celery:worker-heartbeat"
HEARTBEAT_MAX_AGE = 180


def health_report() -> dict:
    checks = {"database": _database(), "cache": _cache(), "celery": _celery()}
    return {"ok": checks["database"]["ok"] and checks["cache"]["ok"], "checks": checks}


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True, "engine": connection.vendor}
    except Exception as exc:  # reported, not raised: a load balancer reads the JSON
        return {"ok": False, "error": type(exc).__name__}


def _cache() -> dict:
    try:
        cache.set("healthz", "1", 10)
        return {
            "ok": cache.get("healthz") == "1",
            "backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
        }
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}


def _celery() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "eager"}
    try:
        beat = cache.get(HEARTBEAT_KEY)
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    age = None if beat is None else round(time.time() - float(beat))
    return {"ok": age is not None and age < HEARTBEAT_MAX_AGE, "last_heartbeat_seconds_ago": age}
