"""系统管理 · users and roles: an admin grants only roles below its own, only inside its subtree; every change
is audited; bad input is refused in Chinese with nothing written."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from plans.models import AdminAction, Department, Profile, Region
from tests.conftest import DALIAN, LIAONING, SHENYANG, make_user

pytestmark = pytest.mark.django_db
User = get_user_model()


def _body(**overrides):
    return {
        "username": "new_user",
        "full_name": "张三",
        "email": "zhangsan@example.com",
        "phone": "024-12345678",
        "role": "reporter",
        "region": Region.objects.get(code=SHENYANG).pk,
        "department": "",
    } | overrides


def _unchanged(before):
    return (User.objects.count(), Profile.objects.count(), AdminAction.objects.count()) == before


def _counts():
    return User.objects.count(), Profile.objects.count(), AdminAction.objects.count()


def test_provincial_admin_creates_a_city_admin_and_sees_the_temporary_password_once(cast, client_for):
    client = client_for(cast["admin"])
    response = client.post(reverse("manage:user_new"), _body(username="sy_admin", role="admin"))
    assert response.status_code == 200
    password = response.context["password"]
    created = User.objects.get(username="sy_admin")
    assert created.profile.role == "admin" and created.profile.region.code == SHENYANG
    assert created.profile.phone == "024-12345678" and created.first_name == "张三"
    assert created.check_password(password) and password not in created.password
    assert password.encode() in response.content
    action = AdminAction.objects.get(action="创建用户", subject="sy_admin")
    assert action.user == cast["admin"] and "角色: （空） → 市级管理员" in action.detail
    # the list shows the user; the password is never shown again
    listing = client.get(reverse("manage:users"))
    assert b"sy_admin" in listing.content and password.encode() not in listing.content


def test_provincial_admin_creates_a_department_reporter(cast, client_for, seed):
    department = Department.objects.create(name="测试部门甲", region=Region.objects.get(code=LIAONING))
    client = client_for(cast["admin"])
    body = _body(username="dept", region=Region.objects.get(code=LIAONING).pk, department=department.pk)
    assert client.post(reverse("manage:user_new"), body).status_code == 200
    assert User.objects.get(username="dept").profile.department == department


@pytest.mark.parametrize(
    ("who", "overrides", "message"),
    [
        ("admin", {"role": "admin", "region": LIAONING}, "只能授予低于本级的角色"),
        ("admin", {"role": "national"}, "部级管理员只能由系统超级管理员授予"),
        ("admin", {"region": "220000"}, "所选地区不在您的管理范围内"),
        ("city_admin", {"region": DALIAN}, "所选地区不在您的管理范围内"),
        ("city_admin", {"role": "admin", "region": SHENYANG}, "只能授予低于本级的角色"),
        ("admin", {"email": "not-an-email"}, "请输入有效的邮箱地址"),
        ("admin", {"username": "admin"}, "该登录名已被使用"),
        ("admin", {"department": "999999"}, "所选部门不在您的管理范围内"),
    ],
)
def test_bad_grants_are_refused_in_chinese_and_nothing_is_written(who, overrides, message, cast, client_for):
    granter = cast["admin"] if who == "admin" else make_user("city_admin", Profile.Role.ADMIN, SHENYANG)
    if "region" in overrides:
        overrides["region"] = Region.objects.get(code=overrides["region"]).pk
    before = _counts()
    response = client_for(granter).post(reverse("manage:user_new"), _body(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _unchanged(before)


def test_a_city_admin_sees_and_edits_only_users_of_its_city_below_it(cast, client_for):
    city_admin = make_user("city_admin", Profile.Role.ADMIN, SHENYANG)
    peer = make_user("peer_admin", Profile.Role.ADMIN, SHENYANG)
    client = client_for(city_admin)
    listing = client.get(reverse("manage:users")).content.decode()
    assert "shenyang_reporter" in listing
    for hidden in ("dalian_viewer", "admin", "leader", "peer_admin", "city_admin"):
        assert f">{hidden}<" not in listing
    before = _counts()
    for other in (cast["dalian_viewer"], cast["admin"], peer):
        assert client.get(reverse("manage:user_edit", args=[other.pk])).status_code == 403
        assert client.post(reverse("manage:user_password", args=[other.pk])).status_code == 403
        assert client.post(reverse("manage:user_active", args=[other.pk]), {"active": "0"}).status_code == 403
    assert _unchanged(before)


def test_edit_changes_role_and_contact_and_is_audited(cast, client_for):
    client = client_for(cast["admin"])
    target = cast["shenyang_reporter"]
    body = _body(role="viewer", email="new@example.com")
    del body["username"]
    assert client.post(reverse("manage:user_edit", args=[target.pk]), body).status_code == 302
    target.refresh_from_db()
    assert target.profile.role == "viewer" and target.email == "new@example.com"
    action = AdminAction.objects.get(action="修改用户")
    assert "角色: 填报员 → 查看" in action.detail and action.region.code == SHENYANG


def test_deactivate_and_reset_password(cast, client_for):
    client = client_for(cast["admin"])
    target = cast["shenyang_reporter"]
    client.post(reverse("manage:user_active", args=[target.pk]), {"active": "0"})
    target.refresh_from_db()
    assert not target.is_active
    response = client.post(reverse("manage:user_password", args=[target.pk]))
    target.refresh_from_db()
    assert target.check_password(response.context["password"])
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    assert list(AdminAction.objects.order_by("id").values_list("action", flat=True)) == ["停用用户", "重置密码"]


@pytest.mark.parametrize("who", ["province_reporter", "shenyang_reporter", "dalian_viewer", "leader", "outsider"])
def test_non_admins_are_refused_every_management_page(who, cast, client_for):
    client = client_for(cast[who])
    for name in ("manage:home", "manage:users", "manage:user_new", "manage:contacts", "manage:plans", "manage:log"):
        assert client.get(reverse(name)).status_code == 403, name


def test_the_nav_shows_system_management_to_admins_and_the_django_admin_to_superusers_only(cast, client_for):
    page = client_for(cast["admin"]).get(reverse("manage:home")).content.decode()
    assert reverse("manage:home") in page and reverse("admin:index") not in page
    reporter_page = client_for(cast["shenyang_reporter"]).get(reverse("plans:list")).content.decode()
    assert reverse("manage:home") not in reporter_page


def test_the_action_log_shows_only_the_admins_subtree(cast, client_for):
    AdminAction.objects.create(region=Region.objects.get(code=SHENYANG), action="设置群机器人", subject="沈阳X")
    AdminAction.objects.create(region=Region.objects.get(code=DALIAN), action="设置群机器人", subject="大连Y")
    city_admin = make_user("city_admin", Profile.Role.ADMIN, SHENYANG)
    page = client_for(city_admin).get(reverse("manage:log")).content.decode()
    assert "沈阳X" in page and "大连Y" not in page
    page = client_for(cast["admin"]).get(reverse("manage:log")).content.decode()
    assert "沈阳X" in page and "大连Y" in page


def test_the_manage_index_lists_every_admin_page_with_a_line_each(cast, client_for):
    page = client_for(cast["admin"]).get(reverse("manage:home")).content.decode()
    listed = page.split('id="manage-pages"')[1].split("</dl>")[0]
    for name in ("manage:users", "manage:contacts", "manage:deliveries", "manage:plans", "manage:log"):
        assert reverse(name) in listed, name
    for name in ("manage:circular_style", "manage:reopen"):
        assert reverse(name, args=[LIAONING_SLUG]) in listed, name
    assert reverse("targets:audit_log") in listed and reverse("password_change") in listed
    assert listed.count("<dd") == listed.count("<dt")
    assert reverse("manage:home") in client_for(cast["admin"]).get(reverse("plans:list")).content.decode()


LIAONING_SLUG = "liaoning-2022"
