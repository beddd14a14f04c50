"""The dashboards' rendered figures and tables, reused until the data under them changes.

A dashboard spends most of its server time turning the progress engine's answer into ~1,000 table cells and
plotly JSON. That work is kept in the cache (Redis in production, shared by every gunicorn worker) under a
key that names

- what was asked: the view and its full URL (plan, year, month, region, target, sort, page);
- who asked, as far as it matters: the scope (role and region) the figures were filtered by;
- the version of the region the page is about: every write of a figure or allocation (through the roll-ups,
  in the same transaction) and every submission change sets a new version on the region and on each region
  above it, so the first request after a save recomputes: a saved figure shows on the next request. A save
  in one province leaves the cached pages of the others alone, which is what keeps the end-of-month rush
  from recomputing every leader's dashboard on every save;
- a generation bumped when plans, targets or regions change outside those services (admin edits, fixture
  and demo loads, restores), and the date (序时进度 moves with the calendar).

Nothing that is per-request (CSRF token, messages, the user's name) is cached: only the page body parts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

GENERATION_KEY = "dashboards:generation"
REGION_KEY = "dashboards:region:"
TIMEOUT = 60 * 60
# What a cached body holds (now: rendered HTML and the pickled figures); a new shape gets a new number, so that
# workers of two releases sharing one Redis during a deploy never read each other's bodies.
BODY_FORMAT = 2


def _version(key: str) -> str:
    value = _cache_call(cache.get, key)
    if value is None:
        value = uuid.uuid4().hex  # a lost version must never meet entries made under an old one
        _cache_call(cache.add, key, value, None)
        value = _cache_call(cache.get, key) or value
    return str(value)


def _versions(*keys: str) -> list[str]:
    """Several versions in one round trip to the cache (a cached page is mostly round trips)."""
    found = _cache_call(cache.get_many, keys) or {}
    return [str(found[key]) if key in found else _version(key) for key in keys]


def generation() -> str:
    return _version(GENERATION_KEY)


def region_version(path: str) -> str:
    return _version(REGION_KEY + path)


def regions_changed(paths) -> None:
    """Figures, allocations or submissions of these regions changed: pages about them, or about any region
    above them, are stale from now."""
    keys = set()
    for path in filter(None, paths):
        parts = path.split("/")
        keys.update(REGION_KEY + "/".join(parts[:i]) for i in range(1, len(parts) + 1))
    _renew(keys)


def generation_bump() -> None:
    """Every cached page is stale from now: called where plans, targets or regions change (model signals,
    bulk loads)."""
    _renew({GENERATION_KEY})


def _renew(keys: set[str]) -> None:
    """New versions for `keys`, at once (so the writing transaction itself reads afresh) and again after
    commit (so a page built by another request in between, from the data before the commit, is never reused).
    """
    if not keys:
        return

    def renew():
        _cache_call(cache.set_many, {key: uuid.uuid4().hex for key in keys}, None)

    renew()
    transaction.on_commit(renew)


def page_key(request, view: str, scope, today: dt.date, region) -> str:
    """`region`: the region the page is about; its version moves with every write inside it."""
    parts = [
        view,
        request.get_full_path(),
        str(scope.role),
        str(scope.region.id if scope.region else "all"),
        *_versions(REGION_KEY + region.path, GENERATION_KEY),
        today.isoformat(),
    ]
    return f"dashboards:page:{BODY_FORMAT}:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


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
