from django.contrib import admin

from reports.models import Circular, CircularJob, CircularStyle, DocumentNumber, Notice, NoticeEvent


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


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["number", "colour", "region", "target", "year", "month", "status", "answer_due", "escalated"]
    list_filter = ["colour", "status", "plan"]
    readonly_fields = ["number", "issued_by", "issued_at", "docx_path", "pdf_path"]
    inlines = [NoticeEventInline]
