"""合成数据 for load tests and benchmarks: a synthetic province or a whole synthetic country.

Every region is `is_synthetic`, the plan `is_demo` and titled 合成负载测试方案, so none of it can be mistaken
for real data. Figures are reported at county level; rollups are rebuilt once at the end.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from plans.models import KeyTask, Plan, Region
from targets.models import Allocation, MonthlyFigure, Target
from targets.rollups import rollups_rebuild

YEAR = 2025


@dataclass(frozen=True)
class Scale:
    provinces: int
    cities_per_province: int
    counties_per_city: tuple[int, int]
    targets: int = 40
    months: int = 12


SCALES = {
    "province": Scale(provinces=1, cities_per_province=14, counties_per_city=(6, 8)),
    "national": Scale(provinces=31, cities_per_province=11, counties_per_city=(7, 10)),
    # the end-of-month rush (benchmarks/rush.py): 300+ counties, one reporter each
    "rush": Scale(provinces=3, cities_per_province=14, counties_per_city=(7, 8)),
    # the rush three times over (benchmarks/rush.py --times 3): 900+ counties
    "bigrush": Scale(provinces=9, cities_per_province=14, counties_per_city=(7, 8)),
    "tiny": Scale(provinces=1, cities_per_province=3, counties_per_city=(2, 2), targets=4, months=3),
}


def generate_load(*, scale: str, seed: int = 7) -> Plan:
    config = SCALES[scale]
    rng = random.Random(seed)
    slug = f"load-{scale}"
    _delete_previous(slug)
    with transaction.atomic():
        root, counties = _regions(scale, config, rng)
        plan = _plan(slug, scale, root, config)
        allocations = _allocations(plan, counties)
    _figures(allocations, config, rng)
    rollups_rebuild(plan=plan, year=YEAR)
    return plan


def _delete_previous(slug: str) -> None:
    plan = Plan.objects.filter(slug=slug).first()
    if plan is None:
        return
    root = plan.region
    plan.delete()
    for region in Region.objects.subtree_of(root).filter(is_synthetic=True).order_by("-path"):
        region.delete()


def _region(code: str, name: str, level: str, parent: Region | None, order: int) -> Region:
    path = f"{parent.path}/{code}" if parent else code
    return Region(code=code, name=name, level=level, parent=parent, path=path, sort_order=order, is_synthetic=True)


def _regions(scale: str, config: Scale, rng: random.Random) -> tuple[Region, list[Region]]:
    national = config.provinces > 1
    root = _region(
        f"L{scale[0].upper()}",
        "合成全国" if national else "合成省",
        "country" if national else "province",
        None,
        0,
    )
    root.save()
    provinces = (
        [root]
        if not national
        else _bulk(
            [
                _region(f"{root.code}{p:02d}", f"合成省{p:02d}", "province", root, p)
                for p in range(1, config.provinces + 1)
            ]
        )
    )
    cities = _bulk(
        [
            _region(f"{prov.code}{c:02d}", f"{prov.name}合成市{c:02d}", "city", prov, c)
            for prov in provinces
            for c in range(1, config.cities_per_province + 1)
        ]
    )
    counties = _bulk(
        [
            _region(f"{city.code}{x:02d}", f"{city.name}县{x:02d}", "county", city, x)
            for city in cities
            for x in range(1, rng.randint(*config.counties_per_city) + 1)
        ]
    )
    return root, counties


def _bulk(regions: list[Region]) -> list[Region]:
    Region.objects.bulk_create(regions, batch_size=2000)
    return list(Region.objects.filter(code__in=[r.code for r in regions]).order_by("path"))


def _plan(slug: str, scale: str, root: Region, config: Scale) -> Plan:
    plan = Plan.objects.create(
        slug=slug,
        title=f"合成负载测试方案（{scale}，合成数据）",
        short_title="合成负载测试",
        region=root,
        start_date=dt.date(YEAR, 1, 1),
        end_date=dt.date(YEAR, 12, 31),
        is_demo=True,
        summary="由 generate_load 生成的合成数据，仅用于性能测试，不是真实数据。",
    )
    task = KeyTask.objects.create(plan=plan, number=1, title="合成任务")
    Target.objects.bulk_create(
        [
            Target(
                key_task=task,
                number=n,
                name=f"合成指标{n:02d}",
                source_text=f"全年培训{n}万人次",
                value=Decimal(10000 * n),
                unit="人次",
                kind="flow",
                period="year",
            )
            for n in range(1, config.targets + 1)
        ]
    )
    return plan


def _allocations(plan: Plan, counties: list[Region]) -> list[Allocation]:
    targets = list(Target.objects.filter(key_task__plan=plan))
    share = Decimal(1) / len(counties)
    Allocation.objects.bulk_create(
        [
            Allocation(target=t, region=c, year=YEAR, value=(t.value * share).quantize(Decimal(1)) + 1, is_demo=True)
            for t in targets
            for c in counties
        ],
        batch_size=5000,
    )
    return list(Allocation.objects.filter(target__key_task__plan=plan).only("id", "value"))


def _figures(allocations: list[Allocation], config: Scale, rng: random.Random) -> None:
    batch = []
    for a in allocations:
        per_month = float(a.value) / 12
        for month in range(1, config.months + 1):
            batch.append(
                MonthlyFigure(
                    allocation_id=a.id,
                    month=month,
                    value=Decimal(int(per_month * rng.uniform(0.6, 1.4))),
                    is_demo=True,
                )
            )
        if len(batch) >= 20000:
            MonthlyFigure.objects.bulk_create(batch, batch_size=5000)
            batch = []
    MonthlyFigure.objects.bulk_create(batch, batch_size=5000)
