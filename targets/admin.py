from django.contrib import admin

from plans.admin import KeyTaskAdmin
from plans.models import KeyTask
from targets.models import Allocation, AuditEntry, Delivery, MonthlyFigure, Reminder, Submission, Target


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "key_task",
        "value",
        "upper",
        "unit",
        "qualifier",
        "kind",
        "period",
        "needs_review",
    ]
    list_filter = ["key_task__plan", "kind", "needs_review"]
    search_fields = ["name", "source_text"]
    readonly_fields = ["assessment_source", "assessment_set_by"]

    def save_model(self, request, obj, form, change):
        if "assessment" in form.changed_data:
            assessment_record(obj, request.user)
        super().save_model(request, obj, form, change)


@admin.register(Allocation)
class AllocationAdmin(admin.ModelAdmin):
    list_display = ["target", "region", "department", "year", "value", "value_max", "is_demo"]
    list_filter = ["target__key_task__plan", "year", "is_demo"]
    search_fields = ["target__name", "region__name", "department__name"]
    raw_id_fields = ["target"]

    def save_model(self, request, obj, form, change):
        from targets.services import audit_admin_change

        super().save_model(request, obj, form, change)
        audit_admin_change(obj=obj, changed=form.changed_data, initial=form.initial, user=request.user)


@admin.register(MonthlyFigure)
class MonthlyFigureAdmin(admin.ModelAdmin):
    list_display = ["allocation", "month", "value", "milestone_status", "updated_by", "updated_at"]
    list_filter = ["allocation__target__key_task__plan", "month"]
    raw_id_fields = ["allocation"]
    readonly_fields = ["version", "updated_by", "updated_at"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        obj.version += 1 if change else 0
        from targets.services import audit_admin_change

        super().save_model(request, obj, form, change)
        audit_admin_change(obj=obj, changed=form.changed_data, initial=form.initial, user=request.user)


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["plan", "region", "year", "month", "status", "submitted_at", "reopened_until"]
    list_filter = ["plan", "status", "year", "month"]
    readonly_fields = ["version"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = [
        "at",
        "user",
        "subject",
        "region",
        "target",
        "month",
        "field",
        "old_value",
        "new_value",
        "via",
    ]
    list_filter = ["subject", "via", "plan"]
    search_fields = ["remark", "target__name", "region__name"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["created_at", "plan", "year", "month", "kind", "channels", "requested_by"]
    list_filter = ["kind", "plan"]
    readonly_fields = [f.name for f in Reminder._meta.fields]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "address", "status", "attempts", "sent_at", "response"]
    list_filter = ["channel", "status"]
    search_fields = ["address", "subject"]
    readonly_fields = [f.name for f in Delivery._meta.fields]


class TargetInline(admin.StackedInline):
    model = Target
    extra = 0
    fields = [
        ("number", "name"),
        "source_text",
        ("value", "upper", "unit", "qualifier"),
        ("kind", "period", "due_month"),
        ("higher_is_better", "is_reported", "needs_review"),
        ("assessment", "assessment_source", "assessment_set_by"),
    ]
    readonly_fields = ["assessment_source", "assessment_set_by"]


def assessment_record(target: Target, user) -> None:
    """An assessment typed by an admin is the admin's, not the document's: say so and who set it."""
    target.assessment_source = "admin" if target.assessment else ""
    target.assessment_set_by = user if target.assessment else None


# A key task is edited with its targets; plans (a lower floor) cannot name Target, so the inline joins here.
admin.site.unregister(KeyTask)


@admin.register(KeyTask)
class KeyTaskWithTargetsAdmin(KeyTaskAdmin):
    inlines = [*KeyTaskAdmin.inlines, TargetInline]

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            if isinstance(inline_form.instance, Target) and "assessment" in inline_form.changed_data:
                assessment_record(inline_form.instance, request.user)
        super().save_formset(request, form, formset, change)
