"""The 通报版式 form of 系统管理."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from reports.models import CircularStyle
from skills_admin.lib.forms import style_widgets

STYLE_FIELDS = [
    "masthead",
    "number_prefix",
    "recipients",
    "copy_to",
    "printed_by",
    "signature",
    "notice_prefix",
    "notice_blue_days",
    "notice_answer_days",
    "headline_tables_only",
]


class CircularStyleForm(forms.ModelForm):
    class Meta:
        model = CircularStyle
        fields = STYLE_FIELDS
        error_messages = {
            "masthead": {"required": "请填写发文机关（版头）"},
            "recipients": {"required": "请填写主送机关"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)
        self.fields["recipients"].required = True
        for name in ("notice_blue_days", "notice_answer_days"):
            field = self.fields[name]
            field.validators += [MinValueValidator(1, "天数须在1—90之间"), MaxValueValidator(90, "天数须在1—90之间")]
            field.widget.attrs.update(min=1, max=90)
            field.error_messages.update(invalid="请填写整数天数", required="请填写天数")

    def clean_recipients(self):
        value = self.cleaned_data["recipients"].strip()
        if value == "":
            raise forms.ValidationError("请填写主送机关")
        return value

    def clean_number_prefix(self):
        value = self.cleaned_data["number_prefix"].strip()
        if any(c in value for c in "〔〕[]号"):
            raise forms.ValidationError("文号前缀只填机关代字，如“辽人社函”；年份和序号由系统生成")
        return value
