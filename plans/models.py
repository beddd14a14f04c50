"""Regions, departments, plans, key tasks and measures: the words of the plan documents."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from plans.scope import Role, scope_for
from skills_admin.lib.robots import validate_robot_url


class RegionQuerySet(models.QuerySet):
    def subtree_of(self, region: Region) -> RegionQuerySet:
        return self.filter(region.subtree_q(None))

    def children_of(self, region: Region) -> RegionQuerySet:
        return self.filter(parent=region)


class Region(models.Model):
    """A node of the administrative tree: province → city → county/district, plus functional zones."""

    class Level(models.TextChoices):
        COUNTRY = "country", "全国"
        PROVINCE = "province", "省"
        CITY = "city", "市"
        COUNTY = "county", "县(区)"
        ZONE = "zone", "功能区"
        TOWNSHIP = "township", "乡(街道)"

    code = models.CharField("区划代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=50)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialised path of codes ("210000/210100"): subtree queries without recursion.
    path = models.CharField(max_length=255, db_index=True, editable=False)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_synthetic = models.BooleanField("合成数据", default=False)
    webhook_url = models.URLField(
        "群机器人地址",
        max_length=300,
        blank=True,
        help_text="企业微信或钉钉群机器人的 Webhook 地址，催报时推送",
        validators=[validate_robot_url],
    )

    bureau_name = models.CharField(
        "单位全称", max_length=100, blank=True, help_text="督办单的主送单位，留空则为“地区名+人力资源和社会保障局”"
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = "地区"
        verbose_name_plural = "地区"
        ordering = ["path", "sort_order"]

    def __str__(self) -> str:
        return self.name

    @property
    def bureau(self) -> str:
        """The region's HR bureau by its full name (沈阳市人力资源和社会保障局): whom a notice is addressed to."""
        if self.bureau_name:
            return self.bureau_name
        return f"{self.name}人力资源和社会保障{'厅' if self.level == self.Level.PROVINCE else '局'}"

    def build_path(self) -> str:
        return f"{self.parent.path}/{self.code}" if self.parent_id else self.code

    def is_within(self, other: Region) -> bool:
        return self.path == other.path or self.path.startswith(other.path + "/")

    def subtree_q(self, field: str | None = "region") -> Q:
        """The rows whose region (through `field`; None: the Region itself) is this region or lies below it.

        The one subtree filter of the product, the query twin of `is_within`: the "/" keeps 2101 out of 210.
        """
        prefix = f"{field}__" if field else ""
        return Q(**{f"{prefix}path": self.path}) | Q(**{f"{prefix}path__startswith": self.path + "/"})


class Department(models.Model):
    """A responsible body (责任部门 / 牵头单位 / 参加单位)."""

    name = models.CharField("名称", max_length=100, unique=True)
    region = models.ForeignKey(
        Region,
        verbose_name="所属地区",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="departments",
    )
    webhook_url = models.URLField(
        "群机器人地址",
        max_length=300,
        blank=True,
        help_text="部门工作群的企业微信、钉钉或飞书机器人 Webhook 地址，催报时推送",
        validators=[validate_robot_url],
    )

    class Meta:
        verbose_name = "责任部门"
        verbose_name_plural = "责任部门"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> PlanQuerySet:
        scope = scope_for(user)
        if scope.is_global:
            return self
        if scope.region is None:
            return self.none()
        # A plan is visible where its region contains the user's region or lies inside it.
        ancestors = scope.region.path.split("/")
        return self.filter(Q(region__code__in=ancestors) | scope.region.subtree_q())


class Plan(models.Model):
    """An action plan (行动方案 / 实施方案 / 行动计划)."""

    slug = models.SlugField("标识", max_length=60, unique=True)
    title = models.CharField("名称", max_length=200)
    short_title = models.CharField("简称", max_length=60, blank=True, help_text="用于通报标题，如“技能辽宁行动”")
    document_number = models.CharField("文号", max_length=60, blank=True)
    issuers = models.CharField("发文单位", max_length=300, blank=True)
    issue_date = models.DateField("发文日期", null=True, blank=True)
    region = models.ForeignKey(Region, verbose_name="覆盖地区", on_delete=models.PROTECT, related_name="plans")
    start_date = models.DateField("起始日期")
    end_date = models.DateField("截止日期")
    overall_goals = models.TextField("总体目标", blank=True)
    summary = models.TextField("方案要点", blank=True)
    source = models.CharField("来源文件", max_length=200, blank=True)
    next_steps = models.TextField("下步工作要求", blank=True, help_text="月度通报第四部分的文字，由省级管理员维护")
    reporting_deadline_day = models.PositiveSmallIntegerField(
        "填报截止日", default=10, help_text="次月几日前报送上月数据，逾期自动锁定"
    )
    lag_threshold_points = models.DecimalField(
        "滞后阈值(百分点)",
        max_digits=5,
        decimal_places=2,
        default=10,
        help_text="低于序时进度不超过该百分点为“滞后”，超过为“严重滞后”",
    )

    class EntryBasis(models.TextChoices):
        MONTH = "month", "本月数"
        CUMULATIVE = "cumulative", "1—N月累计"

    entry_basis = models.CharField(
        "填报口径",
        max_length=12,
        choices=EntryBasis.choices,
        default=EntryBasis.MONTH,
        help_text="累计量指标按本月数还是1—N月累计数填报；存量、比例指标总是填月末数",
    )
    is_demo = models.BooleanField("演示数据", default=False)
    # What the import preview read each statement of the source document as, and what the importer made of it
    import_review = models.JSONField("导入识别记录", default=list, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = "行动方案"
        verbose_name_plural = "行动方案"
        ordering = ["-start_date", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def years(self) -> list[int]:
        return list(range(self.start_date.year, self.end_date.year + 1))

    def first_month(self, year: int) -> int:
        """The first month of `year` the plan runs in: its start month in its first year, else January."""
        return self.start_date.month if year == self.start_date.year else 1

    def covers_month(self, year: int, month: int) -> bool:
        if not (1 <= month <= 12 and dt.MINYEAR <= year <= dt.MAXYEAR):
            return False
        first = dt.date(year, month, 1)
        return dt.date(self.start_date.year, self.start_date.month, 1) <= first <= self.end_date

    @property
    def display_short_title(self) -> str:
        return self.short_title or self.title


class KeyTask(models.Model):
    """A key task (重点任务) of a plan, with its deadline as written and the due dates read from it."""

    plan = models.ForeignKey(Plan, verbose_name="行动方案", on_delete=models.CASCADE, related_name="key_tasks")
    number = models.PositiveSmallIntegerField("序号")
    section = models.CharField("所属部分", max_length=200, blank=True)
    title = models.CharField("重点任务", max_length=300)
    description = models.TextField("说明", blank=True)
    deadline_text = models.CharField("完成时限", max_length=200, blank=True)
    due_dates = models.JSONField("到期日", default=list, blank=True, help_text="ISO 日期列表，由完成时限解析")
    is_ongoing = models.BooleanField("长期推进", default=False)
    departments = models.ManyToManyField(
        Department, through="KeyTaskDepartment", verbose_name="责任部门", related_name="key_tasks"
    )

    class Meta:
        verbose_name = "重点任务"
        verbose_name_plural = "重点任务"
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="unique_key_task_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def due_date_list(self) -> list[dt.date]:
        return [dt.date.fromisoformat(d) for d in self.due_dates]

    def next_due_date(self, today: dt.date) -> dt.date | None:
        upcoming = [d for d in self.due_date_list() if d >= today]
        return min(upcoming) if upcoming else None

    def is_overdue(self, today: dt.date) -> bool:
        dates = self.due_date_list()
        return bool(dates) and not self.is_ongoing and max(dates) < today


class KeyTaskDepartment(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", "牵头单位"
        PARTICIPANT = "participant", "参加单位"

    key_task = models.ForeignKey(KeyTask, on_delete=models.CASCADE, related_name="department_links")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="task_links")
    role = models.CharField("角色", max_length=12, choices=Role.choices, default=Role.LEAD)
    note = models.CharField("分工", max_length=100, blank=True, help_text="如“1000人次”")
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "任务责任部门"
        verbose_name_plural = "任务责任部门"
        ordering = ["key_task", "role", "sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["key_task", "department", "role"], name="unique_task_department_role")
        ]

    def __str__(self) -> str:
        return f"{self.department}({self.get_role_display()})"


class Measure(models.Model):
    """A work measure (工作措施) under a key task."""

    key_task = models.ForeignKey(KeyTask, verbose_name="重点任务", on_delete=models.CASCADE, related_name="measures")
    number = models.PositiveSmallIntegerField("序号")
    text = models.TextField("工作措施")

    class Meta:
        verbose_name = "工作措施"
        verbose_name_plural = "工作措施"
        ordering = ["key_task", "number"]
        constraints = [models.UniqueConstraint(fields=["key_task", "number"], name="unique_measure_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:40]}"


class Profile(models.Model):
    """A user's role and region: the single source of what they may see and change."""

    Role = Role  # defined with the scope it decides (plans/scope.py)

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField("角色", max_length=10, choices=Role.choices)
    region = models.ForeignKey(
        Region,
        verbose_name="所属地区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="profiles",
    )
    department = models.ForeignKey(
        Department,
        verbose_name="所属部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="profiles",
    )
    phone = models.CharField("联系电话", max_length=30, blank=True)

    class Meta:
        verbose_name = "用户角色"
        verbose_name_plural = "用户角色"

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.region or '全部'}"

    @property
    def role_display(self) -> str:
        """The role as people say it: an admin is named by its region's level (省级 / 市级 / 县级管理员)."""
        if self.role == self.Role.ADMIN and self.region is not None and self.region.level != Region.Level.PROVINCE:
            return {"city": "市级管理员", "county": "县级管理员"}.get(self.region.level, "管理员")
        return self.get_role_display()

    def clean(self):
        # Every role but the nationwide one is bounded by a region: without one it would mean "everywhere".
        if self.role and self.role != self.Role.NATIONAL and self.region_id is None:
            raise ValidationError({"region": "除部级管理员外，每个角色都必须指定所属地区"})


class ApiToken(models.Model):
    """A personal token for the read API; only its SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    expires_at = models.DateTimeField("到期时间", null=True, blank=True)  # None: expired (tokens made before expiry)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.user} · {self.name} · {self.prefix}…"

    @staticmethod
    def hash_key(key: str) -> str:
        import hashlib

        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str, *, days: int | None = None) -> tuple[ApiToken, str]:
        """Create a token valid for `days` (API_TOKEN_DAYS by default); the clear key is returned once, never stored."""
        import secrets

        from django.utils import timezone

        key = secrets.token_urlsafe(32)
        expires_at = timezone.now() + dt.timedelta(days=days or settings.API_TOKEN_DAYS)
        token = cls.objects.create(
            user=user, name=name, key_hash=cls.hash_key(key), prefix=key[:8], expires_at=expires_at
        )
        return token, key


class AdminAction(models.Model):
    """One change made on the administration pages (users, contacts, plan settings, 通报版式, reopening):
    who, when, where in the tree, what, and the values before and after. Shown to the admins of that subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    region = models.ForeignKey(
        Region, verbose_name="地区", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField("操作", max_length=30)
    subject = models.CharField("对象", max_length=200)
    detail = models.CharField("内容", max_length=1000, blank=True)

    class Meta:
        verbose_name = "管理操作记录"
        verbose_name_plural = "管理操作记录"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.subject}"
