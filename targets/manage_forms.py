"""Forms of 系统管理 on the targets floor: robot address, plan settings, reopening a month."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms

from plans.models import Plan
from skills_admin.lib.forms import style_widgets
from skills_admin.lib.robots import validate_robot_url


class RobotForm(forms.Form):
    """The stored address is never shown again: empty keeps it, 清除 removes it, a new one replaces it."""

    url = forms.CharField(
        label="新的群机器人地址",
        max_length=300,
        required=False,
        validators=[validate_robot_url],
        widget=forms.URLInput(attrs={"placeholder": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"}),
    )
    clear = forms.BooleanField(label="清除已保存的地址", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def new_url(self, current: str) -> str:
        if self.cleaned_data["clear"]:
            return ""
        return self.cleaned_data["url"].strip() or current


class PlanSettingsForm(forms.Form):
    entry_basis = forms.ChoiceField(label="填报口径", choices=Plan.EntryBasis.choices, widget=forms.RadioSelect)
    reporting_deadline_day = forms.IntegerField(
        label="填报截止日（次月几日）",
        min_value=1,
        max_value=28,
        error_messages={
            "min_value": "填报截止日须在1—28日之间",
            "max_value": "填报截止日须在1—28日之间",
            "invalid": "填报截止日须为1—28之间的整数",
            "required": "请填写填报截止日",
        },
    )
    lag_threshold_points = forms.DecimalField(
        label="滞后阈值（百分点）",
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
        help_text="低于序时进度不超过该百分点为“滞后”，超过为“严重滞后”",
        error_messages={
            "min_value": "滞后阈值须在0—100个百分点之间",
            "max_value": "滞后阈值须在0—100个百分点之间",
            "invalid": "滞后阈值须为数字",
            "required": "请填写滞后阈值",
        },
    )
    headline = forms.MultipleChoiceField(label="重点指标", required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)
        self.fields["headline"].choices = [(str(t.pk), f"{t.key_task.number}.{t.number} {t.name}") for t in targets]
        self.fields["headline"].error_messages["invalid_choice"] = "所选指标不属于本方案"


class TargetBasisForm(forms.Form):
    """填报口径 per target: empty follows the plan's; a milestone has no number, so no basis."""

    INHERIT = ""

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = [t for t in targets if t.kind != "milestone"]
        choices = [(self.INHERIT, "随方案"), *Plan.EntryBasis.choices]
        for t in self.targets:
            self.fields[f"basis_{t.pk}"] = forms.ChoiceField(
                label=f"{t.key_task.number}.{t.number} {t.name}",
                choices=choices,
                required=False,
                initial=t.entry_basis or self.INHERIT,
                error_messages={"invalid_choice": "填报口径只能是随方案、本月数或1—N月累计"},
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    def bases(self) -> dict[int, str | None]:
        """Target id → its own basis, None to follow the plan's."""
        # a target whose field was not posted keeps its basis
        return {t.pk: self.cleaned_data[f"basis_{t.pk}"] or None for t in self.targets if f"basis_{t.pk}" in self.data}

    def rows(self):
        return [(t, self[f"basis_{t.pk}"]) for t in self.targets]


class MonthReopenForm(forms.Form):
    holder = forms.ChoiceField(
        label="地区或部门", error_messages={"invalid_choice": "所选地区或部门不在您的管理范围内"}
    )
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, error_messages={"invalid": "请填写年度"})
    month = forms.IntegerField(
        label="月份",
        min_value=1,
        max_value=12,
        error_messages={"min_value": "月份须在1—12之间", "max_value": "月份须在1—12之间"},
    )
    until = forms.DateField(
        label="开放至",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "请填写开放截止日期", "required": "请填写开放截止日期"},
    )
    reason = forms.CharField(
        label="原因", max_length=200, error_messages={"required": "请填写重新开放的原因"}, widget=forms.TextInput
    )

    def __init__(self, *args, plan: Plan, regions, departments, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)
        self.plan, self.today = plan, today
        self.regions = {f"r{r.code}": r for r in regions}
        self.departments = {f"d{d.pk}": d for d in departments}
        self.fields["holder"].choices = [("地区", [(k, r.name) for k, r in self.regions.items()])] + (
            [("部门", [(k, d.name) for k, d in self.departments.items()])] if self.departments else []
        )

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until < self.today:
            raise forms.ValidationError("开放截止日期不能早于今天")
        if until > self.today + dt.timedelta(days=366):
            raise forms.ValidationError("开放截止日期不能超过一年")
        return until

    def clean(self):
        data = super().clean()
        year, month = data.get("year"), data.get("month")
        if year is not None and month is not None:
            if not self.plan.covers_month(year, month):
                self.add_error("month", f"{year}年{month}月不在方案实施期内")
            elif (year, month) > (self.today.year, self.today.month):
                self.add_error("month", "不能重新开放未来月份")
        return data

    def holder_kwargs(self) -> dict:
        key = self.cleaned_data["holder"]
        if key in self.departments:
            return {"department": self.departments[key]}
        return {"region": self.regions[key]}


class TargetAssessmentForm(forms.Form):
    """How an untracked target is judged where the document does not say: the admin's own words, empty to clear.
    A method quoted from the document is shown, never editable: the document's word is not the admin's."""

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        untracked = [t for t in targets if not t.is_reported]
        self.quoted = [t for t in untracked if t.assessment and t.assessment_source == "document"]
        self.targets = [t for t in untracked if t not in self.quoted]
        for t in self.targets:
            self.fields[f"assessment_{t.pk}"] = forms.CharField(
                label=f"{t.key_task.number}.{t.number} {t.name}",
                max_length=300,
                required=False,
                initial=t.assessment,
                error_messages={"max_length": "考核方式不能超过300字"},
                widget=forms.TextInput(
                    attrs={"class": "form-control form-control-sm", "placeholder": "文件未明确考核方式"}
                ),
            )

    def assessments(self) -> dict[int, str]:
        """Target id → the admin's method, '' to clear; a target whose field was not posted keeps its method."""
        return {
            t.pk: self.cleaned_data[f"assessment_{t.pk}"].strip()
            for t in self.targets
            if f"assessment_{t.pk}" in self.data
        }

    def rows(self):
        return [(t, self[f"assessment_{t.pk}"]) for t in self.targets]
