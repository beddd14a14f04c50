"""Generated circulars and the jobs that make them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from plans.models import Plan, Region


class Circular(models.Model):
    """One version of a month's circular (月度通报) for a plan and a scope, with its files."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="circulars")
    region = models.ForeignKey(Region, verbose_name="范围", on_delete=models.PROTECT, related_name="circulars")
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    version = models.PositiveSmallIntegerField("版本")
    title = models.CharField("标题", max_length=300)
    xlsx_path = models.CharField(max_length=300)
    docx_path = models.CharField(max_length=300)
    pdf_path = models.CharField(max_length=300, blank=True)
    document_number = models.CharField("发文字号", max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    is_automatic = models.BooleanField("定时生成", default=False)
    # A circular is a draft (watermarked 草稿, no 文号, no date) until an admin issues it with its 成文日期.
    issue_date = models.DateField("成文日期", null=True, blank=True)
    issued_at = models.DateTimeField("签发时间", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "月度通报"
        verbose_name_plural = "月度通报"
        ordering = ["-year", "-month", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "region", "year", "month", "version"], name="unique_circular_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title}（第{self.version}版）"

    @property
    def formats(self) -> tuple[str, ...]:
        return ("docx", "xlsx", "pdf") if self.pdf_path else ("docx", "xlsx")

    def path_of(self, fmt: str) -> str:
        return {"docx": self.docx_path, "xlsx": self.xlsx_path, "pdf": self.pdf_path}[fmt]

    @property
    def is_issued(self) -> bool:
        return self.issued_at is not None


class CircularJobQuerySet(models.QuerySet):
    def visible_to(self, user) -> CircularJobQuerySet:
        from plans.scope import scope_for

        return self.filter(scope_for(user).q())


class CircularJob(models.Model):
    """A request to build a circular: what pages poll for status and progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="circular_jobs")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    circular = models.ForeignKey(Circular, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    is_automatic = models.BooleanField(default=False)

    objects = CircularJobQuerySet.as_manager()

    class Meta:
        verbose_name = "通报生成任务"
        verbose_name_plural = "通报生成任务"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.plan} {self.year}年{self.month}月 {self.get_status_display()}"


class CircularStyle(models.Model):
    """How a province sends its circulars, set once per plan: the red masthead, numbering, addressees."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="circular_style")
    masthead = models.CharField(
        "版头（发文机关）", max_length=100, help_text="红色版头，如：辽宁省人力资源和社会保障厅"
    )
    number_prefix = models.CharField(
        "发文字号前缀", max_length=30, blank=True, help_text="如“辽人社函”，编号为 辽人社函〔2022〕N号；留空则不编号"
    )
    recipients = models.CharField("主送机关", max_length=300, blank=True, help_text="如：各市人力资源社会保障局")
    signature = models.CharField("落款（发文机关署名）", max_length=100, blank=True, help_text="留空则同版头")
    copy_to = models.CharField("抄送", max_length=300, blank=True)
    printed_by = models.CharField("印发机关", max_length=100, blank=True, help_text="版记中的印发机关，留空则同落款")
    notice_prefix = models.CharField("督办单编号前缀", max_length=30, blank=True, help_text="留空则为“督办”")
    notice_blue_days = models.PositiveSmallIntegerField("蓝色督办提前天数", default=15)
    notice_answer_days = models.PositiveSmallIntegerField("督办单反馈期限（天）", default=7)
    headline_tables_only = models.BooleanField(
        "正文只列重点指标排名表", default=True, help_text="其余指标的完整表格见Excel附件"
    )
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        verbose_name = "通报版式"
        verbose_name_plural = "通报版式"

    def __str__(self) -> str:
        return f"{self.plan} · {self.masthead}"


class DocumentNumber(models.Model):
    """One number of an issuer's sequence (辽人社函〔2022〕N号): given once, never reused.

    `subject` says what the number was given to ("circular:<plan>:<region>:<year>-<month>", "notice:<id>");
    every version of one month's circular keeps the number first given to that month.
    """

    prefix = models.CharField(max_length=30)
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    subject = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "发文字号"
        verbose_name_plural = "发文字号"
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year", "number"], name="unique_document_number"),
            models.UniqueConstraint(fields=["prefix", "subject"], name="unique_document_number_subject"),
        ]

    def __str__(self) -> str:
        return format_document_number(self.prefix, self.year, self.number)


def format_document_number(prefix: str, year: int, number: int) -> str:
    return f"{prefix}〔{year}〕{number}号"


class NoticeQuerySet(models.QuerySet):
    def visible_to(self, user) -> NoticeQuerySet:
        """The notices of the user's own region and below (an admin's province, a reporter's city)."""
        from plans.scope import scope_for

        return self.filter(scope_for(user).q())

    def open(self) -> NoticeQuerySet:
        return self.exclude(status=Notice.Status.CLOSED)


class Notice(models.Model):
    """A follow-up notice (督办单) to a region about one target and month: issued, signed for, answered,
    checked, closed (or sent back). An unanswered notice past its deadline turns red and is escalated."""

    class Colour(models.TextChoices):
        RED = "red", "红"
        YELLOW = "yellow", "黄"
        BLUE = "blue", "蓝"

    class Status(models.TextChoices):
        ISSUED = "issued", "待签收"
        SIGNED = "signed", "已签收"
        ANSWERED = "answered", "已反馈"
        RETURNED = "returned", "退回重报"
        CLOSED = "closed", "已办结"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="notices")
    region = models.ForeignKey(Region, verbose_name="督办地区", on_delete=models.PROTECT, related_name="notices")
    # The first notices named one target; a notice lists its region's items (NoticeItem) since casework.
    target = models.ForeignKey(
        "targets.Target", verbose_name="指标", null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    colour = models.CharField("颜色", max_length=6, choices=Colour.choices)
    number = models.CharField("编号", max_length=60)
    reason = models.CharField("督办事由", max_length=300)
    requirement = models.TextField("整改要求", blank=True)
    answer_due = models.DateField("反馈期限")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ISSUED)
    escalated = models.BooleanField("已升级", default=False)
    answer_reasons = models.TextField("滞后原因", blank=True)
    answer_measures = models.TextField("整改措施", blank=True)
    answer_date = models.DateField("承诺完成时间", null=True, blank=True)
    answered_at = models.DateTimeField("反馈时间", null=True, blank=True)
    review_comment = models.TextField("复核意见", blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="发出人"
    )
    issued_at = models.DateTimeField("发出时间", auto_now_add=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    docx_path = models.CharField(max_length=300, blank=True)
    pdf_path = models.CharField(max_length=300, blank=True)
    issuer_region = models.ForeignKey(
        Region, verbose_name="发出单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handler_unit = models.CharField("承办单位", max_length=100, blank=True)
    handler_person = models.CharField("承办人", max_length=50, blank=True)
    archived_at = models.DateTimeField("归档时间", null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = "督办单"
        verbose_name_plural = "督办单"
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["plan", "year", "month"])]

    def __str__(self) -> str:
        return f"{self.number} {self.region} {self.get_colour_display()}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def awaiting_answer(self) -> bool:
        return self.status in (self.Status.ISSUED, self.Status.SIGNED, self.Status.RETURNED)

    def is_overdue(self, today) -> bool:
        return self.awaiting_answer and today > self.answer_due

    @property
    def target_names(self) -> str:
        """The targets the notice is about, in its items' order (prefetch `items__target` for lists)."""
        names = [item.target.name for item in self.items.all()]
        if not names and self.target_id is not None:
            names = [self.target.name]
        return "、".join(names)


class NoticeItem(models.Model):
    """One matter a notice raises with its region: a target, the colour proposed for it and why."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="items")
    target = models.ForeignKey("targets.Target", verbose_name="指标", on_delete=models.PROTECT, related_name="+")
    colour = models.CharField("颜色", max_length=6, choices=Notice.Colour.choices)
    reason = models.CharField("督办事由", max_length=300)

    class Meta:
        verbose_name = "督办事项"
        verbose_name_plural = "督办事项"
        ordering = ["notice", "id"]
        constraints = [models.UniqueConstraint(fields=["notice", "target"], name="unique_notice_item_target")]

    def __str__(self) -> str:
        return f"{self.notice.number} {self.target}"


class NoticeAttachment(models.Model):
    """A 佐证材料 file sent with an answer: stored under MEDIA_ROOT by a generated name, served to the parties only."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="attachments")
    stored_name = models.CharField(max_length=200, editable=False)  # relative to MEDIA_ROOT
    original_name = models.CharField("文件名", max_length=200)
    kind = models.CharField("类型", max_length=10)
    size = models.PositiveIntegerField("大小")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="上传人"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class NoticeEvent(models.Model):
    """One step of a notice (下发, 签收, 反馈, 退回, 办结, 升级): who, when, what was said."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("操作", max_length=20)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.notice.number} {self.action}"
