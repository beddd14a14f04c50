"""Data versions: what writers bump when figures, allocations, submissions or documents change.

Pages cached on an upper floor (reports/page_cache.py) put these versions in their keys; writers on lower
floors (the roll-ups, the submission services, model signals) bump them here, so no lower floor imports the
page cache. Two kinds:

- the version of a region: every write of a figure or allocation (through the roll-ups, in the same
  transaction) and every submission change sets a new version on the region and on each region above it;
- a generation bumped when plans, targets or regions change outside those services (admin edits, fixture
  and demo loads, restores).

The cache is Redis in production; a cache that is down is logged and skipped, never fatal.
"""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

GENERATION_KEY = "dashboards:generation"
REGION_KEY = "dashboards:region:"


def _version(key: str) -> str:
    value = cache_call(cache.get, key)
    if value is None:
        value = uuid.uuid4().hex  # a lost version must never meet entries made under an old one
        cache_call(cache.add, key, value, None)
        value = cache_call(cache.get, key) or value
    return str(value)


def versions(*keys: str) -> list[str]:
    """Several versions in one round trip to the cache (a cached page is mostly round trips)."""
    found = cache_call(cache.get_many, keys) or {}
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
        cache_call(cache.set_many, {key: uuid.uuid4().hex for key in keys}, None)

    renew()
    transaction.on_commit(renew)


def cache_call(method, *args):
    try:
        return method(*args)
    except Exception as exc:  # Redis stopped: pages still load, computed afresh
        logger.warning("dashboard cache unavailable: %s", exc)
        return None
