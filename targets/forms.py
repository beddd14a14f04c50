"""Forms of monthly reporting: they validate and convert; services write."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal, InvalidOperation

from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString

from targets.basis import cumulative_through, is_summed
from targets.formatting import format_number, format_percent, months_through
from targets.grid import Grid
from targets.models import MonthlyFigure
from targets.services import FigureEntry


def _decimal_or_none(raw: str) -> Decimal | None:
    try:
        return Decimal(raw) if raw not in (None, "") else None
    except InvalidOperation:
        return None


# A grid has four fields a row (forty rows: 160 fields per request): each is a shallow copy of one of these
# prototypes instead of a new Field, whose __init__ (error messages merged over the MRO, widget deep-copied)
# was a tenth of a grid request's CPU. The copies share the prototype's widget and validators, which
# rendering and cleaning only read; `label`, `initial` and `disabled` are set on the copy.
_VALUE_FIELD = forms.CharField(required=False, max_length=30)
_REMARK_FIELD = forms.CharField(label="备注", required=False, max_length=500)
_HIDDEN_FIELD = forms.CharField(required=False, widget=forms.HiddenInput)


def _field(prototype: forms.Field, initial, label: str | None = None) -> forms.Field:
    field = copy.copy(prototype)
    field.initial = initial
    if label is not None:
        field.label = label
    return field


class GridForm(forms.Form):
    """One row of inputs per allocation of the grid, plus the version the user opened."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, grid: Grid, *args, cumulative=False, flags: dict | None = None, **kwargs):
        """`cumulative`: True (every row) or the ids of the targets typed as 1—N月累计 (targets/basis.py)."""
        super().__init__(*args, **kwargs)
        self.grid = grid
        every = {r.target.id for r in grid.rows}
        self.cumulative_ids = frozenset(every if cumulative is True else (cumulative or ()))
        numbered = [r for r in grid.rows if not r.is_milestone]
        marked = [r for r in numbered if r.target.id in self.cumulative_ids]
        self.cumulative = bool(marked)  # values shown and typed as 1—N月累计 (targets/basis.py)
        self.mixed = bool(marked) and len(marked) < len(numbered)  # each row's input says its basis
        self.flags = flags or {}  # allocation id → {"includes_prior": …, "is_correction": …} of the month
        self.cumulative_label = f"{months_through(grid.month)}累计"
        self.value_label = "本月完成或累计" if self.mixed else self.cumulative_label if marked else "本月完成"
        self.initial["version"] = grid.version
        for row in grid.rows:
            self._add_row_fields(row)

    def _add_row_fields(self, row) -> None:
        pk = row.allocation_id
        if row.is_milestone:
            name = _accessible_name(row, grid_region=self.grid.region.name)
            self.fields[f"status_{pk}"] = forms.ChoiceField(
                label="进展",
                required=False,
                choices=[("", "—"), *MonthlyFigure.MilestoneStatus.choices],
                initial=row.milestone_status,
                widget=forms.Select(attrs={"aria-label": f"{name} 进展", "class": "form-select form-select-sm"}),
            )
            self.fields[f"date_{pk}"] = forms.DateField(
                label="完成日期",
                required=False,
                initial=row.milestone_date,
                widget=forms.DateInput(
                    attrs={"type": "date", "aria-label": f"{name} 完成日期", "class": "form-control form-control-sm"},
                    format="%Y-%m-%d",
                ),
            )
        else:
            self.fields[f"value_{pk}"] = _field(_VALUE_FIELD, _plain(self._shown(row)), self.row_value_label(row))
        self.fields[f"remark_{pk}"] = _field(_REMARK_FIELD, row.remark)
        self.fields[f"orig_value_{pk}"] = _field(_HIDDEN_FIELD, _plain(self._shown(row)))
        self.fields[f"orig_remark_{pk}"] = _field(_HIDDEN_FIELD, row.remark)

    def row_cumulative(self, row) -> bool:
        return row.target.id in self.cumulative_ids and not row.is_milestone

    def _shown(self, row) -> Decimal | None:
        if not self.row_cumulative(row):
            return row.value
        # the cumulative of the row's own window: the quarter so far for a per-quarter count, as 此前累计 shows
        return cumulative_through(row.value, kind=row.target.effective_kind, before=[row.cumulative_before])

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
                    cleaned[name] = parse_figure_value(cleaned.get(name), unit=row.target.unit, kind=row.target.kind)
                except ValueError as exc:
                    self.add_error(name, f"{row.target.name}：{exc}")
        return cleaned

    def date_bounds(self) -> tuple[dt.date, dt.date]:
        """A milestone is done within the plan's years, give or take one (early starts, late reports)."""
        plan = self.grid.plan
        return dt.date(plan.start_date.year - 1, 1, 1), dt.date(plan.end_date.year + 1, 12, 31)

    def empty_rows(self) -> list:
        """Rows with nothing typed for the month: no figure, no milestone status (a typed 0 is a figure)."""
        data = self.cleaned_data

        def empty(row) -> bool:
            if row.is_milestone:
                return data.get(f"status_{row.allocation_id}") in (None, "")
            return data.get(f"value_{row.allocation_id}") is None

        return [r for r in self.grid.rows if empty(r)]

    def entries(self, *, no_progress: frozenset[int] = frozenset()) -> list[FigureEntry]:
        """The typed rows; those in `no_progress` (confirmed 本月无进展) become a month's 0 where the target
        sums months, and stay empty where it does not (a stock, a ratio, a milestone)."""
        data = self.cleaned_data
        return [
            FigureEntry(
                allocation_id=r.allocation_id,
                value=Decimal(0) if _no_progress(r, no_progress) else data.get(f"value_{r.allocation_id}"),
                milestone_status=data.get(f"status_{r.allocation_id}", "") or "",
                milestone_date=data.get(f"date_{r.allocation_id}"),
                remark=data.get(f"remark_{r.allocation_id}", ""),
                original_value=_decimal_or_none(data.get(f"orig_value_{r.allocation_id}")),
                original_remark=data.get(f"orig_remark_{r.allocation_id}", ""),
                cumulative=self.row_cumulative(r) and not _no_progress(r, no_progress),
            )
            for r in self.grid.rows
        ]

    def row_value_label(self, row) -> str:
        """What the row's input holds, on the row's own basis (a target's own 填报口径 or the plan's): 本月完成,
        1—N月累计 (4—N月累计 for a per-quarter count) or 月末数."""
        if not self.row_cumulative(row):
            return "本月完成"
        meaning = row.target.meaning
        if not meaning.sums:
            return "月末数"
        return meaning.window_words(self.grid.month, self.grid.plan.first_month(self.grid.year))

    def bound_rows(self):
        """Per row, what the template shows, worked out here once: the row's fields (bound only where a milestone
        row renders its widgets), its accessible name, its figures formatted, its status badge and hidden inputs
        as HTML (rendering them through Django's widget templates and includes was a third of the page)."""
        region_name = self.grid.region.name
        month = self.grid.month
        badges: dict = {}
        for row in self.grid.rows:
            pk = row.allocation_id
            unit = row.target.unit
            progress = row.progress
            status = progress.status
            if status not in badges:
                badges[status] = render_to_string("includes/status_badge.html", {"status": status})
            yield {
                "row": row,
                "value": self[f"value_{pk}"] if f"value_{pk}" in self.fields else None,
                "status": self[f"status_{pk}"] if f"status_{pk}" in self.fields else None,
                "date": self[f"date_{pk}"] if f"date_{pk}" in self.fields else None,
                "remark": self[f"remark_{pk}"],
                "flags": self.flags.get(pk, {}),
                "summed": is_summed(row.target.kind, row.target.period),
                "value_label": self.row_value_label(row),
                "hidden": self.hidden_inputs(f"orig_value_{pk}", f"orig_remark_{pk}"),
                "name": _accessible_name(row, grid_region=region_name),
                "own": row.holder == region_name,
                "target_value": _amount(row.target_value, unit),
                "cumulative_before": _amount(row.cumulative_before, unit),
                "cumulative": _amount(progress.cumulative, unit),
                "completion_rate": format_percent(progress.completion_rate),
                "schedule_rate": format_percent(progress.schedule_rate),
                "badge": badges[status],
                "history_url": reverse("targets:figure_history", args=[pk, month]),
            }

    readonly = False  # the grid is locked for this user (the view sets it with the lock reason)

    def rows_html(self) -> SafeString:
        """Every row's `<tr>`, written here as `row_html` writes it, not by a template loop."""
        return SafeString("".join(self.row_html(b) for b in self.bound_rows()))

    def row_html(self, b: dict) -> str:
        """One row of the grid's table, exactly as the template's `{% for %}` over `bound_rows` wrote it (held
        equal to that markup by tests/targets/test_grid_render_cost.py): ~20 template lookups and filters a
        row were most of what remained of the page's CPU."""
        e = conditional_escape
        row = b["row"]
        target = row.target
        disabled = "disabled" if self.readonly else ""
        holder = "" if b["own"] else f'<div class="text-muted">{e(row.holder)}</div>'
        demo = ' <span class="badge text-bg-light demo-badge">演示</span>' if row.is_demo else ""
        icon = self.warning_icon if row.warnings else ""
        warnings = "".join(f'<div class="text-warning-emphasis">{icon} {e(w)}</div>' for w in row.warnings)
        quarterly = '<small class="text-muted">/季度</small>' if target.is_quarterly else ""
        if row.is_milestone:
            entry = f"{e(b['status'])} {e(b['date'])}"
        else:
            value = b["value"]
            shown = value.value()
            invalid = f' aria-invalid="true" aria-describedby="error-{e(value.name)}"' if value.errors else ""
            entry = (
                f'<input type="text" inputmode="decimal" class="form-control form-control-sm" '
                f'name="{e(value.html_name)}" value="{e("" if shown is None else shown)}"{invalid} '
                f'aria-label="{e(b["name"])} {e(b["value_label"])}" {disabled}>'
            )
        basis = ""
        if (not row.is_milestone and self.mixed) or (
            self.cumulative and b["value_label"] != self.value_label and b["summed"]
        ):
            basis = f'<div class="small text-muted row-basis">{e(b["value_label"])}</div>'
        flags = b["flags"]
        prior = (
            '<span class="badge text-bg-info" title="此前月份未报，本月数含前期累计">含前期累计</span>'
            if flags.get("includes_prior")
            else ""
        )
        correction = (
            '<span class="badge text-bg-warning" title="累计数低于此前已报，本月为负数">核减</span>'
            if flags.get("is_correction")
            else ""
        )
        remark = b["remark"]
        remark_value = remark.value()
        return (
            f'\n    <tr class="status-{e(row.progress.status.value)}">\n'
            f'      <td class="text-nowrap">{e(target.code)}</td>\n'
            f"      <td>{e(target.name)}{holder}{demo}\n"
            f"        {warnings}</td>\n"
            f'      <td class="text-nowrap">{e(target.unit)}</td>\n'
            f'      <td class="num">{e(b["target_value"])}{quarterly}</td>\n'
            f'      <td class="num">{e(b["cumulative_before"])}</td>\n'
            f"      <td>{entry}\n"
            f"        {basis}\n"
            f"        {prior}\n"
            f"        {correction}\n"
            f"        {b['hidden']}</td>\n"
            f'      <td class="num">{e(b["cumulative"])}</td>\n'
            f'      <td class="num">{e(b["completion_rate"])}</td>\n'
            f'      <td class="num">{e(b["schedule_rate"])}</td>\n'
            f"      <td>{b['badge']}</td>\n"
            f'      <td><input type="text" class="form-control form-control-sm" name="{e(remark.html_name)}" '
            f'value="{e("" if remark_value is None else remark_value)}" maxlength="500" '
            f'aria-label="{e(b["name"])} 备注" {disabled}></td>\n'
            f'      <td class="text-nowrap"><a class="small" href="{e(b["history_url"])}">记录</a></td>\n'
            f"    </tr>\n    "
        )

    @cached_property
    def warning_icon(self) -> str:
        return render_to_string("includes/icon.html", {"name": "warning"})

    def hidden_inputs(self, *names: str) -> SafeString:
        """The hidden inputs `names`, as `{{ form.name }}` renders them (tested against it), without a widget
        template each."""
        return SafeString("".join(self.hidden_input(name) for name in names))

    def hidden_input(self, name: str) -> SafeString:
        field = self.fields[name]
        value = self.get_initial_for_field(field, name)
        if self.is_bound and not field.disabled:
            value = self.data.get(name)
        shown = f' value="{escape(value)}"' if value not in ("", None) else ""
        disabled = " disabled" if field.disabled else ""
        return SafeString(f'<input type="hidden" name="{escape(name)}"{shown}{disabled} id="id_{escape(name)}">')


def _amount(value: Decimal | None, unit: str) -> str:
    """The `amount` template filter (targets/templatetags/figures.py)."""
    return "—" if value is None else format_number(value, unit)


def _no_progress(row, confirmed: frozenset[int]) -> bool:
    return row.allocation_id in confirmed and not row.is_milestone and is_summed(row.target.kind)


def _accessible_name(row, *, grid_region: str) -> str:
    """What a screen reader announces for a row's inputs: the target, and the holder when it is not the grid's."""
    return row.target.name if row.holder == grid_region else f"{row.target.name}（{row.holder}）"


def _plain(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


class ReturnForm(forms.Form):
    reason = forms.CharField(label="退回原因", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ReopenForm(forms.Form):
    until = forms.DateField(label="开放至", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


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


class ChaseForm(forms.Form):
    """一键催报: which channels (the bell is always on) and the message."""

    channels = forms.MultipleChoiceField(
        label="渠道",
        required=False,
        choices=[("email", "邮件"), ("webhook", "群机器人")],
        initial=["email", "webhook"],
        widget=forms.CheckboxSelectMultiple,
        help_text="站内通知总会发送",
    )
    message = forms.CharField(
        label="催报内容", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
