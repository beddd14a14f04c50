"""Forms of monthly reporting: they validate and convert; services write."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import forms

from targets.grid import Grid
from targets.models import MonthlyFigure
from targets.services import FigureEntry


def _decimal_or_none(raw: str) -> Decimal | None:
    try:
        return Decimal(raw) if raw not in (None, "") else None
    except InvalidOperation:
        return None


class GridForm(forms.Form):
    """One row of inputs per allocation of the grid, plus the version the user opened."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, grid: Grid, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.grid = grid
        self.initial["version"] = grid.version
        for row in grid.rows:
            self._add_row_fields(row)

    def _add_row_fields(self, row) -> None:
        pk = row.allocation_id
        if row.is_milestone:
            self.fields[f"status_{pk}"] = forms.ChoiceField(
                label="进展",
                required=False,
                choices=[("", "—"), *MonthlyFigure.MilestoneStatus.choices],
                initial=row.milestone_status,
            )
            self.fields[f"date_{pk}"] = forms.DateField(
                label="完成日期",
                required=False,
                initial=row.milestone_date,
                widget=forms.DateInput(attrs={"type": "date"}),
            )
        else:
            self.fields[f"value_{pk}"] = forms.CharField(
                label="本月完成", required=False, max_length=30, initial=_plain(row.value)
            )
        self.fields[f"remark_{pk}"] = forms.CharField(
            label="备注", required=False, max_length=500, initial=row.remark
        )
        self.fields[f"orig_value_{pk}"] = forms.CharField(
            required=False, widget=forms.HiddenInput, initial=_plain(row.value)
        )
        self.fields[f"orig_remark_{pk}"] = forms.CharField(
            required=False, widget=forms.HiddenInput, initial=row.remark
        )

    def clean(self):
        from targets.excel import parse_figure_value

        cleaned = super().clean()
        first, last = self.date_bounds()
        for row in self.grid.rows:
            day = cleaned.get(f"date_{row.allocation_id}")
            if day is not None and not first <= day <= last:
                self.add_error(
                    f"date_{row.allocation_id}",
                    f"{row.target.name}：完成日期应在{first:%Y-%m-%d}至{last:%Y-%m-%d}之间",
                )
            name = f"value_{row.allocation_id}"
            if name in self.fields and name not in self.errors:
                try:
                    cleaned[name] = parse_figure_value(
                        cleaned.get(name), unit=row.target.unit, kind=row.target.kind
                    )
                except ValueError as exc:
                    self.add_error(name, f"{row.target.name}：{exc}")
        return cleaned

    def date_bounds(self) -> tuple[dt.date, dt.date]:
        """A milestone is done within the plan's years, give or take one (early starts, late reports)."""
        plan = self.grid.plan
        return dt.date(plan.start_date.year - 1, 1, 1), dt.date(plan.end_date.year + 1, 12, 31)

    def entries(self) -> list[FigureEntry]:
        data = self.cleaned_data
        return [
            FigureEntry(
                allocation_id=r.allocation_id,
                value=data.get(f"value_{r.allocation_id}"),
                milestone_status=data.get(f"status_{r.allocation_id}", "") or "",
                milestone_date=data.get(f"date_{r.allocation_id}"),
                remark=data.get(f"remark_{r.allocation_id}", ""),
                original_value=_decimal_or_none(data.get(f"orig_value_{r.allocation_id}")),
                original_remark=data.get(f"orig_remark_{r.allocation_id}", ""),
            )
            for r in self.grid.rows
        ]

    def bound_rows(self):
        """(row, value field, remark field, status field, date field) for the template."""
        for row in self.grid.rows:
            pk = row.allocation_id
            yield {
                "row": row,
                "value": self[f"value_{pk}"] if f"value_{pk}" in self.fields else None,
                "status": self[f"status_{pk}"] if f"status_{pk}" in self.fields else None,
                "date": self[f"date_{pk}"] if f"date_{pk}" in self.fields else None,
                "remark": self[f"remark_{pk}"],
                "hidden": [self[f"orig_value_{pk}"], self[f"orig_remark_{pk}"]],
            }


def _plain(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


class ReturnForm(forms.Form):
    reason = forms.CharField(label="退回原因", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ReopenForm(forms.Form):
    until = forms.DateField(label="开放至", widget=forms.DateInput(attrs={"type": "date"}))


class UploadForm(forms.Form):
    file = forms.FileField(label="填好的模板(.xlsx)")

    def clean_file(self):
        from django.conf import settings

        upload = self.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(f"文件过大，上限为 {settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MB")
        return upload


class AllocationForm(forms.Form):
    """One share per region for one target and year."""

    def __init__(self, regions, current: dict[int, Decimal | None], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.regions = regions
        for region in regions:
            self.fields[f"r_{region.id}"] = forms.DecimalField(
                label=region.name,
                required=False,
                min_value=0,
                max_digits=14,
                decimal_places=2,
                initial=current.get(region.id),
            )

    def shares(self) -> dict[int, Decimal | None]:
        return {r.id: self.cleaned_data.get(f"r_{r.id}") for r in self.regions}

    def bound_rows(self):
        return [(region, self[f"r_{region.id}"]) for region in self.regions]
