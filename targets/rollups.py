"""Keep the sums of figures below each region current, so that overviews never scan every county.

`rollups_apply` runs inside the transaction that changes figures (or allocations) and adds the deltas to
every strict ancestor of the changed region; `rollups_rebuild` recomputes a plan-year from scratch (after a
bulk load, or to repair). A test checks that applying deltas always equals rebuilding.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F

from plans.models import Plan, Region
from targets.models import Allocation, MonthlyFigure, Rollup

Key = tuple[int, int, int, int]  # target, ancestor region, year, month


def ancestor_ids(paths: set[str]) -> dict[str, list[int]]:
    """Strict ancestors (as region ids) of each region path, in one query."""
    codes = {code for path in paths for code in path.split("/")[:-1]}
    ids = dict(Region.objects.filter(code__in=codes).values_list("code", "id"))
    return {path: [ids[c] for c in path.split("/")[:-1] if c in ids] for path in paths}


def figure_delta(old: Decimal | None, new: Decimal | None) -> tuple[Decimal, int]:
    value = (new or Decimal(0)) - (old or Decimal(0))
    count = (new is not None) - (old is not None)
    return value, count


def rollups_apply(changes: list[tuple[int, str, int, int, Decimal, int]]) -> None:
    """Add deltas: each change is (target_id, region_path, year, month, value_delta, count_delta)."""
    from reports.page_cache import generation_bump

    generation_bump()
    ancestors = ancestor_ids({c[1] for c in changes if c[1]})
    totals: dict[Key, list] = defaultdict(lambda: [Decimal(0), 0])
    for target_id, path, year, month, value, count in changes:
        for region_id in ancestors.get(path, []):
            entry = totals[(target_id, region_id, year, month)]
            entry[0] += value
            entry[1] += count
    for key, (value, count) in sorted(totals.items()):
        if value or count:
            _increment(key, value, count)


def _increment(key: Key, value: Decimal, count: int) -> None:
    target_id, region_id, year, month = key
    rows = Rollup.objects.filter(target_id=target_id, region_id=region_id, year=year, month=month)
    if rows.update(value=F("value") + value, reported=F("reported") + count):
        return
    try:
        with transaction.atomic():
            Rollup.objects.create(
                target_id=target_id, region_id=region_id, year=year, month=month, value=value, reported=count
            )
    except IntegrityError:  # created concurrently by another save: add to it instead
        rows.update(value=F("value") + value, reported=F("reported") + count)


@transaction.atomic
def rollups_rebuild(*, plan: Plan, year: int) -> int:
    """Recompute every rollup of a plan-year from the figures and allocations (one pass over each)."""
    from reports.page_cache import generation_bump

    generation_bump()  # bulk loads (demo, synthetic load, restore) write figures without audit entries
    Rollup.objects.filter(target__key_task__plan=plan, year=year).delete()
    allocations = {
        a_id: (target_id, path)
        for a_id, target_id, path in Allocation.objects.for_plan(plan)
        .for_year(year)
        .exclude(region=None)
        .values_list("id", "target_id", "region__path")
    }
    ancestors = ancestor_ids({path for _, path in allocations.values()})
    totals: dict[Key, list] = defaultdict(lambda: [Decimal(0), 0])
    values = Allocation.objects.filter(pk__in=allocations, value__isnull=False).values_list("id", "value")
    _accumulate(totals, ancestors, allocations, year, ((a, 0, v) for a, v in values.iterator()))
    figures = MonthlyFigure.objects.filter(allocation__in=allocations.keys(), value__isnull=False)
    _accumulate(
        totals,
        ancestors,
        allocations,
        year,
        figures.values_list("allocation_id", "month", "value").iterator(chunk_size=20000),
    )
    Rollup.objects.bulk_create(
        [
            Rollup(target_id=t, region_id=r, year=y, month=m, value=v, reported=c)
            for (t, r, y, m), (v, c) in totals.items()
        ],
        batch_size=5000,
    )
    return len(totals)


def _accumulate(totals, ancestors, allocations, year, rows) -> None:
    for allocation_id, month, value in rows:
        target_id, path = allocations[allocation_id]
        for region_id in ancestors[path]:
            entry = totals[(target_id, region_id, year, month)]
            entry[0] += value
            entry[1] += 1
