"""Writes that build plans from documents: the seed fixtures, the annex importer and the admin all end here."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from plans.deadlines import parse_deadline
from plans.models import Department, KeyTask, KeyTaskDepartment, Measure, Plan, Region
from targets.models import Allocation, Target

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"


class PlanDocumentError(ValueError):
    """A plan document that cannot be imported; the message is Chinese and names the place."""


@transaction.atomic
def regions_load(*, rows: list[dict]) -> int:
    """Create or update regions from fixture rows (parents listed before children)."""
    by_code = {r.code: r for r in Region.objects.all()}
    for order, row in enumerate(rows):
        parent = by_code.get(row["parent"]) if row.get("parent") else None
        region, _ = Region.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "level": row["level"],
                "parent": parent,
                "sort_order": order,
                "is_synthetic": row.get("is_synthetic", False),
            },
        )
        region.path = region.build_path()
        region.save(update_fields=["path"])
        by_code[region.code] = region
    return len(rows)


def load_seed_fixtures() -> list[Plan]:
    for path in sorted((FIXTURES_DIR / "regions").glob("*.json")):
        regions_load(rows=json.loads(path.read_text(encoding="utf-8")))
    return [
        plan_import_document(document=json.loads(path.read_text(encoding="utf-8")), replace=True)
        for path in sorted((FIXTURES_DIR / "plans").glob("*.json"))
    ]


@transaction.atomic
def plan_import_document(*, document: dict, replace: bool = False) -> Plan:
    """Create a plan with its key tasks, measures, targets and document-given allocations.

    `document` has the shape described in fixtures/README.md. With replace=True an existing plan of the
    same slug is deleted first (its figures go with it), which is what re-loading a fixture means.
    """
    region = _region_by_code(document["region"])
    if replace:
        Plan.objects.filter(slug=document["slug"]).delete()
    elif Plan.objects.filter(slug=document["slug"]).exists():
        raise PlanDocumentError(f"标识为“{document['slug']}”的方案已存在")
    plan = Plan.objects.create(
        slug=document["slug"],
        title=document["title"],
        short_title=document.get("short_title", ""),
        document_number=document.get("document_number", ""),
        issuers=document.get("issuers", ""),
        issue_date=_date(document.get("issue_date")),
        region=region,
        start_date=_date(document["start_date"]),
        end_date=_date(document["end_date"]),
        overall_goals=document.get("overall_goals", ""),
        summary=document.get("summary", ""),
        source=document.get("source", ""),
        next_steps=document.get("next_steps", ""),
        reporting_deadline_day=document.get("reporting_deadline_day", 10),
        import_review=document.get("import_review", []),
    )
    for task in document["key_tasks"]:
        _create_key_task(plan, task)
    return plan


def _create_key_task(plan: Plan, data: dict) -> KeyTask:
    due_dates, ongoing = parse_deadline(data.get("deadline_text", ""), plan.start_date.year)
    task = KeyTask.objects.create(
        plan=plan,
        number=data["number"],
        section=data.get("section", ""),
        title=data["title"],
        description=data.get("description", ""),
        deadline_text=data.get("deadline_text", ""),
        due_dates=[d.isoformat() for d in due_dates],
        is_ongoing=ongoing,
    )
    for order, dep in enumerate(data.get("departments", [])):
        KeyTaskDepartment.objects.get_or_create(
            key_task=task,
            department=_department(dep["name"], plan.region),
            role=dep.get("role", "lead"),
            defaults={"note": dep.get("note", ""), "sort_order": order},
        )
    Measure.objects.bulk_create(
        [Measure(key_task=task, number=m["number"], text=m["text"]) for m in data.get("measures", [])]
    )
    for target in data.get("targets", []):
        _create_target(plan, task, target)
    return task


def _create_target(plan: Plan, task: KeyTask, data: dict) -> Target:
    target = Target.objects.create(
        key_task=task,
        number=data["number"],
        name=data["name"],
        source_text=data["source_text"],
        value=_decimal(data.get("value")),
        upper=_decimal(data.get("upper")),
        unit=data.get("unit", ""),
        qualifier=data.get("qualifier", "exact"),
        kind=data.get("kind", "flow"),
        period=data.get("period"),
        higher_is_better=data.get("higher_is_better", True),
        due_month=data.get("due_month"),
        needs_review=data.get("needs_review", False),
        is_reported=data.get("is_reported", True),
        assessment=data.get("assessment", ""),
        assessment_source="document" if data.get("assessment") else "",
        per_unit_level=data.get("per_unit_level", ""),
        readings=data.get("readings", []),
        reading_note=data.get("reading_note", ""),
    )
    for share in data.get("allocations", []):
        years = [share["year"]] if share.get("year") else plan.years
        holder = _allocation_holder(share, plan.region)
        value = _decimal(share.get("value"))
        value_max = _decimal(share.get("value_max"))  # a range (1至2所): judged against its lower bound
        Allocation.objects.bulk_create(
            [
                Allocation(
                    target=target,
                    year=y,
                    value=_yearly_share_value(target, value, share, plan.years, y),
                    value_max=value_max,
                    note=share.get("note", ""),
                    **holder,
                )
                for y in years
            ]
        )
    return target


def _yearly_share_value(
    target: Target, value: Decimal | None, share: dict, years: list[int], year: int
) -> Decimal | None:
    """A share of a whole-plan target given for every year is that year's part of it (Hubin: one third, in whole
    人次 where it counts whole things)."""
    if value is None or share.get("year") or target.period != Target.Period.PLAN:
        return value
    part = Target(value=value, period=target.period, kind=target.kind, unit=target.unit)
    return part.yearly_share(len(years), list(years).index(year))


def _allocation_holder(share: dict, plan_region: Region) -> dict:
    if share.get("region"):
        return {"region": _region_by_code(share["region"])}
    return {"department": _department(share["department"], plan_region)}


def _region_by_code(code: str) -> Region:
    try:
        return Region.objects.get(code=code)
    except Region.DoesNotExist:
        raise PlanDocumentError(f"找不到区划代码为“{code}”的地区") from None


def _department(name: str, region: Region) -> Department:
    department, _ = Department.objects.get_or_create(name=name.strip(), defaults={"region": region})
    return department


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _decimal(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))
