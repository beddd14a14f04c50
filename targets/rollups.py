"""Keep the sums of figures below each region current, so that overviews never scan every county.

`rollups_apply` runs inside the transaction that changes figures (or allocations) and adds the deltas to
every strict ancestor of the changed region; `rollups_rebuild` recomputes a plan-year from scratch (after a
bulk load, or to repair). A test checks that applying deltas always equals rebuilding.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal

from django.db import connection, transaction

from plans.models import Plan, Region
from skills_admin.lib.versions import generation_bump, regions_changed
from targets.engine import RATIO, STOCK, carried_forward, latest_value
from targets.models import Allocation, MonthlyFigure, Rollup

Key = tuple[int, int, int, int]  # target, ancestor region, year, month
CARRIED_KINDS = (STOCK, RATIO)  # values that stand until the next figure (see figure_change_deltas)


def ancestor_ids(paths: set[str]) -> dict[str, list[int]]:
    """Strict ancestors (as region ids) of each region path, in one query."""
    codes = {code for path in paths for code in path.split("/")[:-1]}
    ids = dict(Region.objects.filter(code__in=codes).values_list("code", "id"))
    return {path: [ids[c] for c in path.split("/")[:-1] if c in ids] for path in paths}


def figure_delta(old: Decimal | None, new: Decimal | None) -> tuple[Decimal, int]:
    value = (new or Decimal(0)) - (old or Decimal(0))
    count = (new is not None) - (old is not None)
    return value, count


def figure_change_deltas(
    *,
    target_id: int,
    kind: str,
    path: str,
    year: int,
    month: int,
    old: Decimal | None,
    new: Decimal | None,
    others: Mapping[int, Decimal | None],
) -> list[tuple[int, str, int, int, Decimal, int]]:
    """The roll-up changes of one figure going from `old` to `new`.

    A flow (or count) adds in its own month. A stock's or ratio's value stands until the holder's next figure,
    so its roll-ups hold each holder's latest value carried forward: a parent's stock is every child's latest
    value, not only of those who reported this month. `others` are the holder's figures of the other months.
    """
    if kind not in CARRIED_KINDS:
        return [(target_id, path, year, month, *figure_delta(old, new))]
    before = latest_value({m: v for m, v in others.items() if m < month}, month)
    following = min((m for m, v in others.items() if m > month and v is not None), default=13)
    value, count = figure_delta(before if old is None else old, before if new is None else new)
    if not (value or count):
        return []
    return [(target_id, path, year, m, value, count) for m in range(month, following)]


def rollups_apply(changes: list[tuple[int, str, int, int, Decimal, int]]) -> None:
    """Add deltas: each change is (target_id, region_path, year, month, value_delta, count_delta)."""
    regions_changed({c[1] for c in changes})
    ancestors = ancestor_ids({c[1] for c in changes if c[1]})
    totals: dict[Key, list] = defaultdict(lambda: [Decimal(0), 0])
    for target_id, path, year, month, value, count in changes:
        for region_id in ancestors.get(path, []):
            entry = totals[(target_id, region_id, year, month)]
            entry[0] += value
            entry[1] += count
    _increment_all([(*key, value, count) for key, (value, count) in sorted(totals.items()) if value or count])


def _increment_all(rows: list[tuple[int, int, int, int, Decimal, int]], batch: int = 500) -> None:
    """Add to many roll-ups in one statement per batch: an upsert that adds on conflict.

    A 40-target grid of a county touches ~160 roll-ups (target × city, province, country × month); one
    statement instead of one UPDATE (and maybe INSERT) each keeps a grid save to a handful of queries. Rows go
    in key order, so concurrent saves lock shared roll-ups in the same order and never deadlock.
    """
    table = connection.ops.quote_name(Rollup._meta.db_table)
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(chunk))
        params = [p for row in chunk for p in row]
        sql = (
            f"INSERT INTO {table} (target_id, region_id, year, month, value, reported) VALUES {values} "
            f"ON CONFLICT (target_id, region_id, year, month) DO UPDATE SET "
            f"value = {table}.value + excluded.value, reported = {table}.reported + excluded.reported"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


@transaction.atomic
def rollups_rebuild(*, plan: Plan, year: int) -> int:
    """Recompute every rollup of a plan-year from the figures and allocations (one pass over each)."""
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
    carried = set(
        Allocation.objects.filter(pk__in=allocations, target__kind__in=CARRIED_KINDS).values_list("id", flat=True)
    )
    figures = MonthlyFigure.objects.filter(allocation__in=allocations.keys(), value__isnull=False)
    rows = figures.values_list("allocation_id", "month", "value").order_by("allocation_id", "month")
    _accumulate(totals, ancestors, allocations, year, _carry(rows.iterator(chunk_size=20000), carried))
    Rollup.objects.bulk_create(
        [
            Rollup(target_id=t, region_id=r, year=y, month=m, value=v, reported=c)
            for (t, r, y, m), (v, c) in totals.items()
        ],
        batch_size=5000,
    )
    return len(totals)


def _carry(rows, carried: set[int]):
    """Figures as roll-ups count them: flows as reported, stocks and ratios carried forward to month 12."""
    series: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for allocation_id, month, value in rows:
        if allocation_id in carried:
            series[allocation_id][month] = value
        else:
            yield allocation_id, month, value
    for allocation_id, figures in series.items():
        for month, value in carried_forward(figures).items():
            yield allocation_id, month, value


def _accumulate(totals, ancestors, allocations, year, rows) -> None:
    for allocation_id, month, value in rows:
        target_id, path = allocations[allocation_id]
        for region_id in ancestors[path]:
            entry = totals[(target_id, region_id, year, month)]
            entry[0] += value
            entry[1] += 1
