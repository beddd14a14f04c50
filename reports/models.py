"""Generated circulars and the jobs that make them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from plans.models import Plan, Region, in_subtree


class Circular(models.Model):
    """One version of a month's circular (月度通报) for a plan and a scope, with its files."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="circulars")
    region = models.ForeignKey(
        Region, verbose_name="范围", on_delete=models.PROTECT, related_name="circulars"
    )
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    version = models.PositiveSmallIntegerField("版本")
    title = models.CharField("标题", max_length=300)
    xlsx_path = models.CharField(max_length=300)
    docx_path = models.CharField(max_length=300)
    pdf_path = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    is_automatic = models.BooleanField("定时生成", default=False)

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


class CircularJobQuerySet(models.QuerySet):
    def visible_to(self, user) -> CircularJobQuerySet:
        from plans.scope import scope_for

        scope = scope_for(user)
        if scope.is_global:
            return self
        if scope.region is None:
            return self.none()
        return self.filter(in_subtree(scope.region, "region"))


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
    circular = models.ForeignKey(
        Circular, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
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
