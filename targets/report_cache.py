"""One engine pass per data version: the progress report of (plan, year, month, region) is built once and shared
by every page, table fragment, chart, API answer and circular until the data under it changes.

The report (the frozen engine answer, not a page) is kept in the cache (Redis in production, shared by the
workers; local memory in the embedded default) under a key naming the plan, month and region and the data
versions of `skills_admin/lib/versions.py`: the version of the region (every write of a figure or allocation
below it renews it, in the roll-ups' transaction) and the generation (plans, targets and regions edited). A
save in one city therefore leaves the reports of the other cities alone; the province's report is rebuilt,
but only the saving city's cells are read and evaluated again: the others are taken from the last report built
for the same (plan, year, month, region), each peer's cells reused while its own version is unchanged.

Each worker also keeps the last few reports it used in memory, under the same versioned keys, so a report is
unpickled once per worker, not once per request; with the local-memory cache (one process) that is the only
copy, never pickled. Callers must not change a report they are given. A province's report pickles to ~300 kB
(560 cells; `benchmarks/run.py` prints the sizes).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import replace

from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache

from plans.models import Plan, Region
from skills_admin.lib.versions import GENERATION_KEY, REGION_KEY, cache_call, versions
from targets.engine import Cell, ProgressReport, peer_regions, progress_report

TIMEOUT = 60 * 60
# What a cached report holds; a new shape gets a new number, so that workers of two releases sharing one Redis
# during a deploy never read each other's reports.
REPORT_FORMAT = 1
LOCAL_SIZE = 64

_local: OrderedDict[str, ProgressReport | tuple[str, str]] = OrderedDict()  # reports and "latest" pointers
_local_lock = threading.Lock()


def shared_report(plan: Plan, year: int, month: int, *, region: Region | None = None) -> ProgressReport:
    """`targets.engine.progress_report`, built once per data version of the region (the plan region by
    default). One cache round trip when the report is current; a rebuild reads only the peers that changed."""
    parent = region or plan.region
    base = f"engine:report:{REPORT_FORMAT}:{plan.pk}:{year}:{month}:{parent.pk}"
    parent_version, generation = versions(REGION_KEY + parent.path, GENERATION_KEY)
    key = f"{base}:{generation}:{parent_version}"
    report = _get(key)
    if report is None:
        report = _rebuild(plan, year, month, parent, base, generation)
        _set(key, report)
        _set(base + ":latest", (generation, key))
    elif _shared():
        _local_put(key, report)
    return replace(report, plan=plan)  # the caller's plan object, never another request's or a pickled copy


def _rebuild(plan: Plan, year: int, month: int, parent: Region, base: str, generation: str) -> ProgressReport:
    """A fresh report; the cells of peers whose version has not moved since the last one are reused.

    Every version is read before the data, so a save committed during the build leaves a version behind that
    no longer matches, and the next reader rebuilds that peer: a report is never newer in its key than in its
    figures, only older."""
    latest = _get(base + ":latest")
    previous = _get(latest[1]) if latest is not None and latest[0] == generation else None
    peers = peer_regions(plan, parent)
    now = dict(zip([r.id for r in peers], versions(*(REGION_KEY + r.path for r in peers)), strict=True))
    reuse = None
    if previous is not None:  # plans, targets and regions as they were (the generation is the same)
        unchanged = {rid for rid, version in now.items() if previous.peer_versions.get(rid) == version}
        reuse = _cells_by_region(previous, unchanged)
    report = progress_report(plan, year, month, region=parent, reuse=reuse, peers=peers)
    report.peer_versions = now
    return report


def _cells_by_region(report: ProgressReport, region_ids: set[int]) -> dict[int, dict[int, Cell]]:
    found: dict[int, dict[int, Cell]] = {rid: {} for rid in region_ids}
    for (target_id, region_id), cell in report.cells.items():
        if region_id in found:
            found[region_id][target_id] = cell
    return found


def _shared() -> bool:
    """Whether the cache is shared between processes (Redis). The local-memory cache of the embedded default
    lives in this process anyway: there the reports are kept only in the worker's own memory, unpickled."""
    return not isinstance(caches["default"], LocMemCache)


def _get(key: str):
    found = _local_get(key)
    if found is None and _shared():
        found = cache_call(cache.get, key)
    return found


def _set(key: str, value) -> None:
    _local_put(key, value)
    if _shared():
        cache_call(cache.set, key, value, TIMEOUT)


def _local_get(key: str):
    with _local_lock:
        found = _local.get(key)
        if found is not None:
            _local.move_to_end(key)
        return found


def _local_put(key: str, value) -> None:
    with _local_lock:
        _local[key] = value
        _local.move_to_end(key)
        while len(_local) > LOCAL_SIZE:
            _local.popitem(last=False)
