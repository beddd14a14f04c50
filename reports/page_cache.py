"""The dashboards' rendered figures and tables, reused until the data under them changes.

A dashboard spends most of its server time turning the progress engine's answer into ~1,000 table cells and
plotly JSON. That work is kept in the cache (Redis in production, shared by every gunicorn worker) under a
key that names

- what was asked: the view and its full URL (plan, year, month, region, target, sort, page);
- who asked, as far as it matters: the scope (role and region) the figures were filtered by;
- the data version: the newest audit entry's id. Every write of a figure, allocation or submission adds an
  audit entry in the same transaction, so the first request after a save misses and recomputes: a saved
  figure shows on the next request, never a stale one;
- a generation counter bumped when plans, targets or regions change outside the audited services (admin
  edits, fixture and demo loads, restores), and the date (序时进度 moves with the calendar).

Nothing that is per-request (CSRF token, messages, the user's name) is cached: only the page body parts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models import Max

logger = logging.getLogger(__name__)

GENERATION_KEY = "dashboards:generation"
TIMEOUT = 60 * 60


def data_version() -> int:
    from targets.models import AuditEntry

    return AuditEntry.objects.aggregate(latest=Max("id"))["latest"] or 0


def generation() -> str:
    value = _cache_call(cache.get, GENERATION_KEY)
    if value is None:
        value = uuid.uuid4().hex  # a lost generation must never meet entries made under an old one
        _cache_call(cache.add, GENERATION_KEY, value, None)
    return str(value)


def generation_bump() -> None:
    """Every cached page is stale from now: called where figures or plans change (roll-ups, model signals).

    Bumped at once (so the writing transaction itself reads afresh) and again after commit (so a page built
    by another request between the two, from the data before the commit, is never reused).
    """

    def bump():
        _cache_call(cache.set, GENERATION_KEY, uuid.uuid4().hex, None)

    bump()
    transaction.on_commit(bump)


def page_key(request, view: str, scope, today: dt.date) -> str:
    parts = [
        view,
        request.get_full_path(),
        str(scope.role),
        str(scope.region.id if scope.region else "all"),
        str(data_version()),
        generation(),
        today.isoformat(),
    ]
    return "dashboards:page:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def cached_page(key: str, build):
    """The cached value under `key`, or build() stored there. A cache that is down is skipped, not fatal."""
    found = _cache_call(cache.get, key)
    if found is not None:
        return found
    value = build()
    _cache_call(cache.set, key, value, TIMEOUT)
    return value


def _cache_call(method, *args):
    try:
        return method(*args)
    except Exception as exc:  # Redis stopped: pages still load, computed afresh
        logger.warning("dashboard cache unavailable: %s", exc)
        return None
