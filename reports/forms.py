import datetime as dt

from django import forms

from plans.models import Plan
from reports import evidence


class CircularRequestForm(forms.Form):
    year = forms.IntegerField(label="年度")
    month = forms.IntegerField(label="月份", min_value=1, max_value=12)

    def __init__(self, *args, selection=None, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan or (selection.plan if selection else None)
        if selection is not None:
            self.initial.update(year=selection.year, month=selection.month)

    def clean(self):
        cleaned = super().clean()
        year, month = cleaned.get("year"), cleaned.get("month")
        if self.plan and year and month and not self.plan.covers_month(year, month):
            raise forms.ValidationError(f"{year}年{month}月不在方案实施期内")
        return cleaned


class CircularIssueForm(forms.Form):
    issue_date = forms.DateField(label="成文日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class NextStepsForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["next_steps"]
        widgets = {"next_steps": forms.Textarea(attrs={"rows": 4, "class": "form-control"})}


class NoticeBatchForm(forms.Form):
    """The month of a batch of notices; the chosen items and each region's words are read by the view."""

    year = forms.IntegerField(min_value=1, max_value=9999)
    month = forms.IntegerField(min_value=1, max_value=12)

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan

    def clean(self):
        cleaned = super().clean()
        year, month = cleaned.get("year"), cleaned.get("month")
        if self.plan and year and month and not self.plan.covers_month(year, month):
            raise forms.ValidationError(f"{year}年{month}月不在方案实施期内")
        return cleaned


class NoticeDraftForm(forms.Form):
    """One region's notice in a batch: its own 要求, who handles it, by when it must be answered."""

    requirement = forms.CharField(label="督办要求", required=False, max_length=2000, widget=forms.Textarea)
    handler_unit = forms.CharField(label="承办单位", required=False, max_length=100)
    handler_person = forms.CharField(label="承办人", required=False, max_length=50)
    answer_due = forms.DateField(label="反馈期限", required=False)

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_answer_due(self):
        due = self.cleaned_data["answer_due"]
        if due is not None and self.today and not (self.today < due <= self.today + dt.timedelta(days=90)):
            raise forms.ValidationError("反馈期限应在今天之后90天以内")
        return due


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": evidence.ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class NoticeAnswerForm(forms.Form):
    reasons = forms.CharField(label="滞后原因", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(label="整改措施", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    date = forms.DateField(label="承诺完成时间", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    files = MultipleFileField(
        label="佐证材料",
        required=False,
        help_text=f"PDF、图片、Word、Excel，每个不超过{evidence.MAX_BYTES >> 20}MB，最多{evidence.MAX_FILES}个",
    )

    def __init__(self, *args, plan=None, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan, self.today = plan, today

    def clean_date(self):
        from reports.followup import answer_date_allowed, answer_date_error

        date = self.cleaned_data["date"]
        if self.plan is not None and not answer_date_allowed(self.plan, date, today=self.today):
            raise forms.ValidationError(answer_date_error(self.plan, self.today))
        return date

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > evidence.MAX_FILES:
            raise forms.ValidationError(f"最多上传{evidence.MAX_FILES}个佐证材料")
        for f in files:
            evidence.check_upload(f)
        return files


class NoticeInstructionForm(forms.Form):
    text = forms.CharField(label="领导批示", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class NoticeReviewForm(forms.Form):
    decision = forms.ChoiceField(label="复核结论", choices=[("close", "办结"), ("return", "退回重报")])
    comment = forms.CharField(
        label="复核意见", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
