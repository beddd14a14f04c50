"""Forms of the user pages of 系统管理: they validate the grant against the granter's scope; they do not write."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import RegexValidator

from plans.manage_services import GRANTABLE_ROLES, UserData, manageable_departments, manageable_regions, may_grant
from plans.models import Profile
from plans.scope import scope_for
from skills_admin.lib.forms import style_widgets

phone_validator = RegexValidator(r"^[0-9+\-() ]{0,30}$", "联系电话只能包含数字、空格和 + - ( )")


class UserForm(forms.Form):
    username = forms.RegexField(
        label="登录名",
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": "登录名只能包含字母、数字和 @ . + - _"},
    )
    full_name = forms.CharField(label="姓名", max_length=150)
    email = forms.EmailField(label="邮箱", required=False, error_messages={"invalid": "请输入有效的邮箱地址"})
    phone = forms.CharField(label="联系电话", max_length=30, required=False, validators=[phone_validator])
    role = forms.ChoiceField(
        label="角色",
        choices=[(r.value, r.label) for r in GRANTABLE_ROLES],
        error_messages={"invalid_choice": "不能授予该角色：部级管理员只能由系统超级管理员授予"},
    )
    region = forms.ModelChoiceField(
        label="所属地区",
        queryset=None,
        error_messages={"invalid_choice": "所选地区不在您的管理范围内", "required": "请选择所属地区"},
    )
    department = forms.ModelChoiceField(
        label="所属部门",
        queryset=None,
        required=False,
        help_text="只对部门填报员填写：其只填报本部门承担的任务",
        error_messages={"invalid_choice": "所选部门不在您的管理范围内"},
    )

    def __init__(self, *args, granter, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)
        self.granter, self.editing = granter, editing
        self.fields["region"].queryset = manageable_regions(granter)
        self.fields["department"].queryset = manageable_departments(granter)
        if editing is not None:
            del self.fields["username"]

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("该登录名已被使用")
        return username

    def clean(self):
        data = super().clean()
        role, region, department = data.get("role"), data.get("region"), data.get("department")
        if role and region is not None:
            reason = may_grant(scope_for(self.granter), role, region)
            if reason:
                self.add_error("role" if "角色" in reason else "region", reason)
        if department is not None and role != Profile.Role.REPORTER:
            self.add_error("department", "只有填报员可以指定所属部门")
        return data

    def user_data(self) -> UserData:
        data = self.cleaned_data
        return UserData(
            username=data.get("username") or self.editing.username,
            full_name=data["full_name"],
            email=data["email"],
            phone=data["phone"],
            role=data["role"],
            region=data["region"],
            department=data["department"],
        )

    @classmethod
    def initial_for(cls, user) -> dict:
        profile = user.profile
        return {
            "full_name": user.first_name,
            "email": user.email,
            "phone": profile.phone,
            "role": profile.role,
            "region": profile.region_id,
            "department": profile.department_id,
        }
