"""Forms of the plans app: importing a plan from its annex table."""

from __future__ import annotations

from django import forms
from django.conf import settings

from plans.models import Plan, Region


def _text_input() -> forms.TextInput:
    return forms.TextInput(attrs={"class": "form-control"})


class PlanImportForm(forms.Form):
    """The upload and the plan facts that the annex table does not hold; fields match read_annex's keywords."""

    file = forms.FileField(
        label="附件表(.xlsx 或 .txt)",
        error_messages={"required": "请选择附件表文件", "empty": "上传的文件是空的"},
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx,.txt"}),
    )
    slug = forms.SlugField(
        label="标识", max_length=60, help_text="英文字母、数字或连字符，如 liaoning-2022", widget=_text_input()
    )
    title = forms.CharField(label="方案名称", max_length=200, widget=_text_input())
    document_number = forms.CharField(label="文号", max_length=60, required=False, widget=_text_input())
    region = forms.ModelChoiceField(
        queryset=Region.objects.all(), label="覆盖地区", widget=forms.Select(attrs={"class": "form-select"})
    )
    year = forms.IntegerField(
        label="年度", min_value=2000, max_value=2100, widget=forms.NumberInput(attrs={"class": "form-control"})
    )
    layout = forms.ChoiceField(
        label="文件内容",
        choices=[("annex", "附件表（六列表格）"), ("fulltext", "方案全文（正文，UTF-8 文本）")],
        initial="annex",
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    dry_run = forms.BooleanField(
        label="仅预览，不写入", required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:  # an admin imports plans of the regions they administer
            from plans.scope import scope_for

            self.fields["region"].queryset = Region.objects.filter(scope_for(user).q(None))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(f"文件过大，上限为 {settings.UPLOAD_MAX_BYTES / 1024 / 1024:g} MB")
        return upload

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Plan.objects.filter(slug=slug).exists():
            raise forms.ValidationError(f"标识“{slug}”已被其他方案使用")
        return slug

    def file_bytes(self) -> bytes:
        """The uploaded file's content (from its start, however often it is asked for)."""
        upload = self.cleaned_data["file"]
        upload.seek(0)
        return upload.read()

    def plan_fields(self) -> dict:
        """The keywords of plans.annex.read_annex besides the data and the file name."""
        data = self.cleaned_data
        return {
            "slug": data["slug"],
            "title": data["title"],
            "document_number": data.get("document_number", ""),
            "region_code": data["region"].code,
            "year": data["year"],
        }
