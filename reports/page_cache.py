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
  and demo loads, restores), and the date.

The versions are kept in skills_admin/lib/versions.py, where the writers on lower floors bump them.

Nothing that is per-request (CSRF token, messages, the user's name) is cached: only the page body parts.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.cache import cache

from skills_admin.lib.versions import GENERATION_KEY, REGION_KEY, cache_call, versions

TIMEOUT = 60 * 60
# What a cached body holds (now: rendered HTML and the pickled figures); a new shape gets a new number, so that
# workers of two releases sharing one Redis during a deploy never read each other's bodies.
BODY_FORMAT = 2


def page_key(request, view: str, scope, today: dt.date, region) -> str:
    """`region`: the region the page is about; its version moves with every write inside it."""
    parts = [
        view,
        request.get_full_path(),
        str(scope.role),
        str(scope.region.id if scope.region else "all"),
        *versions(REGION_KEY + region.path, GENERATION_KEY),
        today.isoformat(),
    ]
    return f"dashboards:page:{BODY_FORMAT}:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def cached_page(key: str, build):
    """The cached value under `key`, or build() stored there. A cache that is down is skipped, not fatal."""
    found = cache_call(cache.get, key)
    if found is not None:
        return found
    value = build()
    cache_call(cache.set, key, value, TIMEOUT)
    return value
