from django import forms

from plans.models import Plan


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


class NextStepsForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["next_steps"]
        widgets = {"next_steps": forms.Textarea(attrs={"rows": 4, "class": "form-control"})}


class NoticeIssueForm(forms.Form):
    """An admin's decision on one of the engine's proposals (the hidden fields come from the proposal)."""

    region = forms.CharField(widget=forms.HiddenInput)
    target = forms.IntegerField(widget=forms.HiddenInput)
    year = forms.IntegerField(widget=forms.HiddenInput)
    month = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=12)
    colour = forms.ChoiceField(label="颜色", choices=[("red", "红"), ("yellow", "黄"), ("blue", "蓝")])
    reason = forms.CharField(label="督办事由", max_length=300)
    requirement = forms.CharField(label="整改要求", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class NoticeAnswerForm(forms.Form):
    reasons = forms.CharField(label="滞后原因", widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(label="整改措施", widget=forms.Textarea(attrs={"rows": 3}))
    date = forms.DateField(label="承诺完成时间", widget=forms.DateInput(attrs={"type": "date"}))


class NoticeReviewForm(forms.Form):
    decision = forms.ChoiceField(label="复核结论", choices=[("close", "办结"), ("return", "退回重报")])
    comment = forms.CharField(label="复核意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))
