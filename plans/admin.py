from django import forms
from django.contrib import admin

from plans.models import Department, KeyTask, KeyTaskDepartment, Measure, Plan, Profile, Region

admin.site.site_header = "技能提升行动目标管理平台 · 后台"
admin.site.site_title = "技能提升行动后台"
admin.site.index_title = "数据维护"


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "parent", "is_synthetic"]
    list_filter = ["level", "is_synthetic"]
    search_fields = ["name", "code"]
    readonly_fields = ["path"]

    def save_model(self, request, obj, form, change):
        obj.path = obj.build_path()
        super().save_model(request, obj, form, change)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "region"]
    search_fields = ["name"]


class KeyTaskInline(admin.TabularInline):
    model = KeyTask
    fields = ["number", "title", "deadline_text", "is_ongoing"]
    extra = 0
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "document_number", "region", "start_date", "end_date", "is_demo"]
    search_fields = ["title", "document_number"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [KeyTaskInline]


class MeasureInline(admin.TabularInline):
    model = Measure
    extra = 0


class KeyTaskDepartmentInline(admin.TabularInline):
    model = KeyTaskDepartment
    extra = 0
    autocomplete_fields = ["department"]


@admin.register(KeyTask)
class KeyTaskAdmin(admin.ModelAdmin):
    list_display = ["__str__", "plan", "deadline_text", "is_ongoing"]
    list_filter = ["plan"]
    search_fields = ["title"]
    inlines = [KeyTaskDepartmentInline, MeasureInline]  # targets/admin.py adds the targets


class ProfileForm(forms.ModelForm):
    """Only a superuser grants the nationwide role (部级管理员): it sees and changes every region."""

    granted_by_superuser = False

    class Meta:
        model = Profile
        fields = ["user", "role", "region", "department"]

    def clean_role(self):
        role = self.cleaned_data["role"]
        if role == Profile.Role.NATIONAL and not self.granted_by_superuser:
            raise forms.ValidationError("只有超级用户可以授予部级管理员角色")
        return role


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "region", "department"]
    list_filter = ["role"]
    autocomplete_fields = ["region", "department"]
    form = ProfileForm

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type("ProfileForm", (form,), {"granted_by_superuser": request.user.is_superuser})
