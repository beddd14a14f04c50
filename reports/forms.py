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
