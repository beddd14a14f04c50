from django.contrib import admin

from reports.models import (
    Circular,
    CircularJob,
    CircularStyle,
    DocumentNumber,
    Notice,
    NoticeAttachment,
    NoticeEvent,
    NoticeItem,
)


@admin.register(Circular)
class CircularAdmin(admin.ModelAdmin):
    list_display = ["title", "region", "year", "month", "version", "created_by", "created_at", "is_automatic"]
    list_filter = ["plan", "year", "month"]
    readonly_fields = ["xlsx_path", "docx_path", "pdf_path"]  # stored by the builder only (issue 21)


@admin.register(CircularJob)
class CircularJobAdmin(admin.ModelAdmin):
    list_display = ["plan", "region", "year", "month", "status", "progress", "attempts", "created_at", "error"]
    list_filter = ["status", "plan"]


@admin.register(CircularStyle)
class CircularStyleAdmin(admin.ModelAdmin):
    list_display = ["plan", "masthead", "number_prefix", "recipients"]


@admin.register(DocumentNumber)
class DocumentNumberAdmin(admin.ModelAdmin):
    list_display = ["__str__", "subject", "created_at"]
    list_filter = ["prefix", "year"]


class NoticeEventInline(admin.TabularInline):
    model = NoticeEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "user", "at", "comment"]

    def has_add_permission(self, request, obj=None):
        return False


class NoticeItemInline(admin.TabularInline):
    model = NoticeItem
    extra = 0
    can_delete = False
    readonly_fields = ["target", "colour", "reason"]

    def has_add_permission(self, request, obj=None):
        return False


class NoticeAttachmentInline(admin.TabularInline):
    """The evidence files by their names; the stored path is never editable (a path is not a permission)."""

    model = NoticeAttachment
    extra = 0
    can_delete = False
    fields = ["original_name", "kind", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["number", "colour", "region", "year", "month", "status", "answer_due", "escalated"]
    list_filter = ["colour", "status", "plan"]
    readonly_fields = ["number", "issued_by", "issued_at", "issuer_region", "docx_path", "pdf_path"]
    inlines = [NoticeItemInline, NoticeAttachmentInline, NoticeEventInline]
