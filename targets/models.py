"""Targets, their allocation to regions and departments, monthly figures, submissions and the audit trail."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q

from plans.models import Department, KeyTask, Plan, Region
from plans.reading import counts_whole
from targets.formatting import person_name

ASSESSMENT_UNSTATED = "文件未明确考核方式"


class Target(models.Model):
    """A measurable goal (工作目标) under a key task."""

    class Kind(models.TextChoices):
        FLOW = "flow", "累计量"  # summed over months: 培训5万人次
        COUNT = "count", "周期计数"  # per quarter: 每季度发布50个
        STOCK = "stock", "期末存量"  # latest value: 技能人才总量100万人
        RATIO = "ratio", "比例"  # 占比25%以上
        MILESTONE = "milestone", "里程碑"  # no number

    class Qualifier(models.TextChoices):
        EXACT = "exact", "确定值"
        AT_LEAST = "at_least", "以上"
        ABOUT = "about", "左右"
        AT_MOST = "at_most", "以内"
        STRIVE = "strive", "力争"

    class Period(models.TextChoices):
        MONTH = "month", "每月"
        QUARTER = "quarter", "每季度"
        YEAR = "year", "每年"
        PLAN = "plan", "方案期内"

    key_task = models.ForeignKey(KeyTask, verbose_name="重点任务", on_delete=models.CASCADE, related_name="targets")
    number = models.PositiveSmallIntegerField("序号")
    name = models.CharField("指标", max_length=200)
    source_text = models.TextField("原文")
    value = models.DecimalField("目标值", max_digits=14, decimal_places=2, null=True, blank=True)
    upper = models.DecimalField("上限", max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField("单位", max_length=10, blank=True)
    qualifier = models.CharField("限定", max_length=10, choices=Qualifier.choices, default=Qualifier.EXACT)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.FLOW)
    # null, not blank: "the text does not say" differs from any period.
    period = models.CharField("周期", max_length=10, choices=Period.choices, null=True, blank=True)  # noqa: DJ001
    higher_is_better = models.BooleanField("越高越好", default=True)
    due_month = models.PositiveSmallIntegerField(
        "年内完成月份", null=True, blank=True, help_text="如“10月底前”为10；空为12月"
    )
    needs_review = models.BooleanField("待复核", default=False, help_text="读不出数字的原文，需人工复核")
    is_reported = models.BooleanField("按月填报", default=True)
    is_headline = models.BooleanField("重点指标", default=False, help_text="领导驾驶舱和通报排名优先展示")
    # How a target nobody reports monthly is judged; shown instead of 未报. From the document: its words, quoted,
    # with their place; else set by an admin and said to be the admin's; else 文件未明确考核方式.
    assessment = models.CharField("考核方式", max_length=300, blank=True)
    assessment_source = models.CharField(
        "考核方式来源",
        max_length=10,
        blank=True,
        choices=[("document", "文件规定"), ("admin", "管理员设定")],
    )
    assessment_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="考核方式设定人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class PerUnit(models.TextChoices):
        CITY = "city", "每个市"
        COUNTY = "county", "每个县(区)"
        ZONE = "zone", "每个功能区"
        SCHOOL = "school", "每所院校"
        TOWNSHIP = "township", "每个乡镇(街道)"
        VILLAGE = "village", "每个村(社区)"
        HOUSEHOLD = "household", "每户"
        ENTERPRISE = "enterprise", "每家企业"

    # Units that are regions of the plan: a quota for each is judged region by region. The others (schools,
    # townships, villages, households, enterprises) are not regions here: the quota is stated with the target and
    # each region reports its total, which is allocated and judged like any other target.
    REGION_PER_UNIT_LEVELS = (PerUnit.CITY, PerUnit.COUNTY, PerUnit.ZONE)

    # A per-unit quota (每个市, 各县(区), 每所院校, 每户…): `value` is what each unit of this level must reach.
    per_unit_level = models.CharField("定额单位", max_length=10, blank=True, choices=PerUnit.choices)
    # Where the document states the target more than once with different figures: every reading, and why
    # `value` is the one used. [{"value": "60000", "unit": "人次", "where": "附件", "text": "…"}, …]
    readings = models.JSONField("文件中的其他表述", default=list, blank=True)
    reading_note = models.CharField("采用口径说明", max_length=300, blank=True)
    # null: the plan's 填报口径 applies; set, this target is typed on its own basis (targets/basis.py).
    entry_basis = models.CharField(  # noqa: DJ001
        "填报口径", max_length=12, choices=Plan.EntryBasis.choices, null=True, blank=True
    )

    class Meta:
        verbose_name = "工作目标"
        verbose_name_plural = "工作目标"
        ordering = ["key_task__plan", "key_task__number", "number"]
        constraints = [
            models.UniqueConstraint(fields=["key_task", "number"], name="unique_target_number"),
            models.CheckConstraint(condition=Q(value__isnull=True) | Q(value__gte=0), name="target_value_non_negative"),
            models.CheckConstraint(
                condition=Q(upper__isnull=True) | Q(value__isnull=False, upper__gte=models.F("value")),
                name="target_upper_above_value",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def plan(self) -> Plan:
        return self.key_task.plan

    @property
    def is_milestone(self) -> bool:
        return self.kind == self.Kind.MILESTONE

    def display_value(self) -> str:
        from targets.formatting import format_target_value

        return format_target_value(self.value, self.upper, self.unit, self.qualifier)

    @property
    def assessment_statement(self) -> str:
        """How the target is judged, saying whose word it is: the document's quote, an admin's setting, or that
        the document does not say."""
        if not self.assessment:
            return ASSESSMENT_UNSTATED
        if self.assessment_source == "admin":
            who = person_name(self.assessment_set_by)
            return (
                f"{self.assessment}（管理员{who}设定，非文件规定）"
                if who
                else f"{self.assessment}（管理员设定，非文件规定）"
            )
        return self.assessment

    def yearly_share(self, plan_years: int, index: int = 0) -> Decimal | None:
        """The part of the target that falls to the plan's `index`-th year: a whole-plan target is split evenly,
        and one that counts whole things (人次, 人, 个) in whole units by largest remainder, earlier years taking
        the remainder: 1000人次 over three years is 334 + 333 + 333, never 333.33 × 3."""
        if self.value is None:
            return None
        if self.period == self.Period.PLAN and plan_years > 1 and self.kind in (self.Kind.FLOW, self.Kind.COUNT):
            if counts_whole(self.kind, self.unit) and self.value == self.value.to_integral_value():
                base, remainder = divmod(int(self.value), plan_years)
                return Decimal(base + (1 if index < remainder else 0))
            return (self.value / plan_years).quantize(Decimal("0.01"))
        return self.value


class AllocationQuerySet(models.QuerySet):
    def for_plan(self, plan: Plan) -> AllocationQuerySet:
        return self.filter(target__key_task__plan=plan)

    def for_year(self, year: int) -> AllocationQuerySet:
        return self.filter(year=year)

    def allocated_to(self, region: Region) -> AllocationQuerySet:
        return self.filter(region=region)

    def visible_to(self, user) -> AllocationQuerySet:
        from plans.scope import department_for, scope_for

        scope = scope_for(user)
        department = department_for(user)
        if department is not None:  # a department's reporter sees that department's shares only
            return self.filter(department=department, region__isnull=True)
        if scope.is_global:
            return self
        if scope.region is None:
            return self.none()
        # A department's allocation (no region) belongs to the plan's region.
        return self.filter(scope.q() | Q(region__isnull=True, target__key_task__plan__region__path=scope.region.path))


class Allocation(models.Model):
    """A target's share (分解) for one region or one department, for one year."""

    target = models.ForeignKey(Target, verbose_name="工作目标", on_delete=models.CASCADE, related_name="allocations")
    region = models.ForeignKey(
        Region,
        verbose_name="地区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    department = models.ForeignKey(
        Department,
        verbose_name="部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    year = models.PositiveSmallIntegerField("年度")
    value = models.DecimalField("分解目标", max_digits=14, decimal_places=2, null=True, blank=True)
    # Where the document gives the share as a range (每个市1至2所): its upper bound; `value` is the lower bound,
    # which the share is judged against.
    value_max = models.DecimalField("分解目标上限", max_digits=14, decimal_places=2, null=True, blank=True)
    is_demo = models.BooleanField("演示数据", default=False)
    note = models.CharField("说明", max_length=200, blank=True)

    objects = AllocationQuerySet.as_manager()

    class Meta:
        verbose_name = "目标分解"
        verbose_name_plural = "目标分解"
        ordering = ["target", "year", "region__path", "department__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "year", "region"],
                condition=Q(department__isnull=True),
                name="unique_region_allocation",
            ),
            models.UniqueConstraint(
                fields=["target", "year", "department"],
                condition=Q(region__isnull=True),
                name="unique_department_allocation",
            ),
            models.CheckConstraint(
                condition=Q(region__isnull=False) | Q(department__isnull=False), name="allocation_has_holder"
            ),
            models.CheckConstraint(condition=Q(value__isnull=True) | Q(value__gte=0), name="allocation_non_negative"),
            models.CheckConstraint(
                condition=Q(value_max__isnull=True) | Q(value__isnull=False, value_max__gte=models.F("value")),
                name="allocation_upper_above_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target} · {self.holder_name} · {self.year}"

    @property
    def holder_name(self) -> str:
        return str(self.region or self.department)


class MonthlyFigure(models.Model):
    """What a region (or department) completed against an allocation in one month (本月完成)."""

    class MilestoneStatus(models.TextChoices):
        NOT_STARTED = "not_started", "未启动"
        IN_PROGRESS = "in_progress", "推进中"
        DONE = "done", "已完成"

    allocation = models.ForeignKey(
        Allocation, verbose_name="目标分解", on_delete=models.CASCADE, related_name="figures"
    )
    month = models.PositiveSmallIntegerField("月份")
    # Flow and count: this month's amount; stock and ratio: the value at month end.
    value = models.DecimalField("本月数", max_digits=14, decimal_places=2, null=True, blank=True)
    milestone_status = models.CharField("进展", max_length=12, choices=MilestoneStatus.choices, blank=True)
    milestone_date = models.DateField("完成日期", null=True, blank=True)
    remark = models.CharField("备注", max_length=500, blank=True)
    # Entered as 1—N月累计 with nothing recorded before: the month holds the earlier months too.
    includes_prior = models.BooleanField("含前期累计", default=False)
    is_correction = models.BooleanField("核减", default=False)  # the cumulative went down: a negative month
    is_demo = models.BooleanField("演示数据", default=False)
    version = models.PositiveIntegerField("版本", default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "月度数据"
        verbose_name_plural = "月度数据"
        ordering = ["allocation", "month"]
        constraints = [
            models.UniqueConstraint(fields=["allocation", "month"], name="unique_figure_per_month"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="figure_month_in_range"),
            models.CheckConstraint(  # only a 核减 (a cumulative lower than before) leaves a negative month
                condition=Q(value__isnull=True) | Q(value__gte=0) | Q(is_correction=True),
                name="figure_non_negative_unless_correction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.allocation} · {self.month}月"


class Submission(models.Model):
    """The state of one region's monthly report for one plan (填报 / 报送 / 退回 / 审核)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已报送"
        RETURNED = "returned", "已退回"
        APPROVED = "approved", "已审核"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="submissions")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="submissions")
    # A department's own report of its shares (region = the plan's region); empty for a region's report.
    department = models.ForeignKey(
        Department, verbose_name="责任部门", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Bumped by every save of the grid: the optimistic lock that stops silent overwrites.
    version = models.PositiveIntegerField("版本", default=0)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_reason = models.CharField("退回原因", max_length=500, blank=True)
    reopened_until = models.DateField("重新开放至", null=True, blank=True)

    class Meta:
        verbose_name = "月度报送"
        verbose_name_plural = "月度报送"
        ordering = ["plan", "year", "month", "region__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "region", "year", "month"],
                condition=Q(department__isnull=True),
                name="unique_submission",
            ),
            models.UniqueConstraint(
                fields=["plan", "department", "year", "month"],
                condition=Q(department__isnull=False),
                name="unique_department_submission",
            ),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="submission_month_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.region} · {self.year}年{self.month}月"


class AuditEntry(models.Model):
    """One change to a figure, allocation or submission: who, when, old → new, how and why."""

    class Via(models.TextChoices):
        FORM = "form", "表单"
        UPLOAD = "upload", "Excel上传"
        ADMIN = "admin", "后台"
        SYSTEM = "system", "系统"
        API = "api", "接口"

    class Subject(models.TextChoices):
        FIGURE = "figure", "月度数据"
        ALLOCATION = "allocation", "目标分解"
        SUBMISSION = "submission", "报送状态"
        REMINDER = "reminder", "催报"

    subject = models.CharField("对象", max_length=12, choices=Subject.choices)
    plan = models.ForeignKey(Plan, null=True, on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    target = models.ForeignKey(Target, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    allocation = models.ForeignKey(Allocation, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    month = models.PositiveSmallIntegerField("月份", null=True, blank=True)
    field = models.CharField("字段", max_length=30)
    old_value = models.CharField("原值", max_length=500, blank=True)
    new_value = models.CharField("新值", max_length=500, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    via = models.CharField("方式", max_length=10, choices=Via.choices)
    remark = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "修改记录"
        verbose_name_plural = "修改记录"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["allocation", "month"]),
            models.Index(fields=["plan", "year", "month"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.field_label}: {self.old_value} → {self.new_value}"

    @property
    def field_label(self) -> str:
        """The changed field as people read it (本月数, 备注, 状态 …), from the models' verbose names."""
        model = {self.Subject.ALLOCATION: Allocation, self.Subject.SUBMISSION: Submission}.get(
            self.subject, MonthlyFigure
        )
        if self.field == "reminder":
            return "催报"
        try:
            return str(model._meta.get_field(self.field).verbose_name)
        except FieldDoesNotExist:  # an old entry may name a field that no longer exists
            return self.field


class Rollup(models.Model):
    """Sums of the figures reported *below* a region (its strict descendants), kept current on every save.

    With them the overview of a province or of the whole country reads one row per (peer region, target,
    month) instead of every county's figures. Month 0 holds the sum of the allocations below (the target).
    Maintained by targets.rollups in the same transaction as the figures; `rebuild_rollups` recomputes them.
    """

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()  # 0: allocations; 1–12: figures
    value = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    reported = models.IntegerField(default=0)  # how many figures (or allocations) are summed

    class Meta:
        verbose_name = "汇总"
        verbose_name_plural = "汇总"
        constraints = [
            models.UniqueConstraint(fields=["target", "region", "year", "month"], name="unique_rollup"),
        ]
        indexes = [models.Index(fields=["region", "year", "month"])]

    def __str__(self) -> str:
        return f"{self.region} {self.target_id} {self.year}-{self.month}: {self.value}"


def column_max(model, field_name: str) -> Decimal:
    """The largest value a DecimalField column holds (999,999,999,999.99 for 14 digits, 2 places).

    The one bound of every entry path (grid, upload, admin, API): a larger value passes Python but breaks the
    column (PostgreSQL refuses it, SQLite stores it and every later read of it fails).
    """
    field = model._meta.get_field(field_name)
    return Decimal(10) ** (field.max_digits - field.decimal_places) - Decimal(10) ** -field.decimal_places


class Reminder(models.Model):
    """One round of chasing (催报) for a plan's month: by the schedule or by an admin's one action."""

    class Kind(models.TextChoices):
        BEFORE = "before", "截止前提醒"
        AFTER = "after", "逾期催报"
        MANUAL = "manual", "一键催报"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reminders")
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    channels = models.CharField("渠道", max_length=60, help_text="逗号分隔：site,email,webhook")
    message = models.CharField("内容", max_length=500)
    regions = models.ManyToManyField(Region, verbose_name="催报地区", related_name="+")
    holder_count = models.PositiveIntegerField("催报单位数", default=0)  # regions and departments chased
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "催报"
        verbose_name_plural = "催报"
        ordering = ["-created_at", "-id"]
        constraints = [  # the schedule reminds once per plan, month and kind however often beat runs
            models.UniqueConstraint(
                fields=["plan", "year", "month", "kind"],
                condition=~Q(kind="manual"),
                name="unique_scheduled_reminder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.year}年{self.month}月 · {self.get_kind_display()}"

    @property
    def channel_labels(self) -> str:
        """“站内通知、邮件、群机器人”, not the stored codes “site,email,webhook”."""
        labels = dict(Delivery.Channel.choices)
        return "、".join(labels.get(code, code) for code in self.channels.split(",") if code)


class Notification(models.Model):
    """A message in a user's in-product list (the bell); always written, whatever other channels are used."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", "催报"
        SUBMITTED = "submitted", "报送"
        RETURNED = "returned", "退回"
        APPROVED = "approved", "审核通过"
        NOTICE = "notice", "督办"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    title = models.CharField("标题", max_length=200)
    body = models.CharField("内容", max_length=1000, blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    reminder = models.ForeignKey(Reminder, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    # Set when the task behind it is done (the month submitted, reviewed): the bell stops asking.
    done_at = models.DateTimeField("已办时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """One message sent through an outside channel (email to a user, a webhook of a region) and its answer."""

    class Channel(models.TextChoices):
        SITE = "site", "站内通知"
        EMAIL = "email", "邮件"
        WEBHOOK = "webhook", "群机器人"

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        DELIVERED = "delivered", "已送达"
        FAILED = "failed", "失败"

    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    reminder = models.ForeignKey(Reminder, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # A department's robot: `region` is then the department's region (where the delivery is visible).
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    address = models.CharField("地址", max_length=300)
    subject = models.CharField("标题", max_length=200)
    body = models.CharField("内容", max_length=1000)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    response = models.CharField("应答", max_length=500, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    sent_at = models.DateTimeField("送达时间", null=True, blank=True)

    class Meta:
        verbose_name = "发送记录"
        verbose_name_plural = "发送记录"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.address}: {self.get_status_display()}"


class ChaseSlot(models.Model):
    """The 一键催报 rate limit of one plan and month: one row, taken atomically (insert, or a conditional update
    once the interval has passed), so simultaneous requests send one chase."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    taken_at = models.DateTimeField("催报时间")

    class Meta:
        verbose_name = "催报间隔"
        verbose_name_plural = "催报间隔"
        constraints = [models.UniqueConstraint(fields=["plan", "year", "month"], name="unique_chase_slot")]

    def __str__(self) -> str:
        return f"{self.plan} · {self.year}年{self.month}月 · {self.taken_at:%Y-%m-%d %H:%M}"
