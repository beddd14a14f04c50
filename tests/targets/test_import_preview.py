"""The import preview: every statement with what it was read as and why, corrections before anything is written,
and the corrections kept with the plan; a plan's full text imported as a draft tree."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans.models import Plan, Profile, Region
from targets.importer import regions_load
from tests.conftest import make_user

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
TEXT = """关于印发某省职业技能提升行动方案的通知
一、工作成效
2023年全省共培训农民工23万人次。
二、主要任务
(一)开展农民工技能培训。每年培训农民工10万人次以上。2023年,全省已新增技能人才8万人。(省人社厅、省财政厅按职责分工负责)
(二)加强技工院校建设。每个市办好1所技师学院。12月底前完成评估。
三、保障措施
(一)加强组织领导。各地要高度重视。
""".encode()

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def liaoning():
    regions_load(rows=[{"code": "210000", "name": "辽宁省", "level": "province", "parent": None}])


@pytest.fixture
def admin_client(client):
    client.force_login(make_user("importer", Profile.Role.ADMIN, "210000"))
    return client


def upload(client, data: bytes = TEXT, *, layout: str = "fulltext", dry_run: bool = True):
    fields = {"slug": "draft-plan", "title": "某省方案", "region": Region.objects.get(code="210000").pk, "year": 2024}
    fields |= {"layout": layout, "file": SimpleUploadedFile("方案.txt", data, "text/plain")}
    return client.post(reverse("targets:plan_import"), fields | ({"dry_run": "on"} if dry_run else {}))


def test_preview_shows_each_statement_its_role_and_the_deciding_words(admin_client):
    page = upload(admin_client).content.decode()
    assert not Plan.objects.filter(slug="draft-plan").exists()
    assert "逐句识别" in page
    assert "每年培训农民工10万人次以上" in page and "100000人次 以上 · 每年" in page
    assert "2023年,全省已新增技能人才8万人" in page and "已有成绩" in page
    assert 'name="role-0"' in page and "确认导入" in page


def test_confirm_imports_with_the_corrections_and_keeps_them_with_the_plan(admin_client):
    upload(admin_client)
    response = admin_client.post(reverse("targets:plan_import_confirm"), {"role-1": "target", "role-0": "target"})
    assert response.status_code == 302
    plan = Plan.objects.get(slug="draft-plan")
    task = plan.key_tasks.get(number=1)
    assert task.title == "开展农民工技能培训"
    assert sorted(t.value for t in task.targets.all()) == [80000, 100000]
    (corrected,) = [entry for entry in plan.import_review if entry["corrected"]]
    assert (corrected["read_as"], corrected["imported_as"]) == ("result", "target")
    assert [link.department.name for link in task.department_links.order_by("sort_order")] == ["省人社厅", "省财政厅"]


def test_confirm_without_a_preview_says_it_expired(admin_client):
    response = admin_client.post(reverse("targets:plan_import_confirm"), {}, follow=True)
    assert "预览已失效" in response.content.decode()
    assert not Plan.objects.filter(slug="draft-plan").exists()


def test_only_an_admin_confirms(client):
    client.force_login(make_user("viewer", Profile.Role.VIEWER, "210000"))
    assert client.post(reverse("targets:plan_import_confirm"), {}).status_code == 403


def test_direct_full_text_import_leaves_results_out_and_keeps_the_review(admin_client):
    assert upload(admin_client, dry_run=False).status_code == 302
    plan = Plan.objects.get(slug="draft-plan")
    assert [t.value for t in plan.key_tasks.get(number=1).targets.all()] == [100000]
    assert plan.key_tasks.get(number=2).targets.get().per_unit_level == "city"
    assert plan.key_tasks.get(number=2).deadline_text == "12月底前"
    assert {e["read_as"] for e in plan.import_review} >= {"target", "result"}


def test_annex_preview_lists_the_target_column_statements(admin_client):
    page = upload(admin_client, (SEEDS / "000_9aeb8eb7bd8c388f.txt").read_bytes(), layout="annex").content.decode()
    assert "逐句识别" in page and "每季度发布急需紧缺技术工种50个" in page


def test_the_command_reads_a_full_text_and_shows_what_is_not_a_target(tmp_path):
    from io import StringIO

    from django.core.management import call_command

    path = tmp_path / "方案.txt"
    path.write_bytes(TEXT)
    out = StringIO()
    args = ["--slug", "cmd-plan", "--title", "某省方案", "--region", "210000", "--year", "2024", "--fulltext"]
    call_command("import_plan", str(path), *args, "--dry-run", stdout=out)
    assert "重点任务 1：开展农民工技能培训" in out.getvalue()
    assert "2023年,全省已新增技能人才8万人　读作已有成绩" in out.getvalue()
    call_command("import_plan", str(path), *args, stdout=StringIO())
    assert Plan.objects.get(slug="cmd-plan").import_review


def test_the_plan_page_shows_the_admin_the_import_review(admin_client):
    upload(admin_client)
    admin_client.post(reverse("targets:plan_import_confirm"), {"role-1": "target"})
    page = admin_client.get(reverse("plans:detail", args=["draft-plan"])).content.decode()
    assert "导入识别记录（共" in page and "导入时更正 1 处" in page and "已有成绩" in page and "（已更正）" in page


def test_quotas_for_schools_and_households_keep_their_level(admin_client):
    text = """某市技工教育行动方案
一、主要任务
(一)建设实训基地。每所技工院校至少建设1个产教融合实训基地。
(二)培育乡村工匠。每个乡镇培育乡村工匠5名以上。
""".encode()
    page = upload(admin_client, text).content.decode()
    assert "每所院校" in page and "每个乡镇(街道)" in page
    assert upload(admin_client, text, dry_run=False).status_code == 302
    plan = Plan.objects.get(slug="draft-plan")
    levels = {t.name[:6]: (t.per_unit_level, t.value) for t in plan.key_tasks.all()[0].targets.all()}
    levels |= {t.name[:6]: (t.per_unit_level, t.value) for t in plan.key_tasks.all()[1].targets.all()}
    assert sorted(levels.values()) == [("school", 1), ("township", 5)]


def test_the_plan_page_names_a_quotas_unit(admin_client):
    text = "某市方案\n一、主要任务\n(一)培育乡村工匠。每个乡镇每年培育乡村工匠5名以上。\n".encode()
    assert upload(admin_client, text, dry_run=False).status_code == 302
    plan = Plan.objects.get(slug="draft-plan")
    page = admin_client.get(reverse("plans:detail", args=[plan.slug])).content.decode()
    assert "每个乡镇(街道)" in page


def _index_of(client, text: str) -> int:
    from plans.review import statements_of

    return next(s["index"] for s in statements_of(client.session["plan_import_draft"]) if text in s["text"])


def test_a_reading_corrected_on_the_preview_is_imported_and_kept_with_the_plan(admin_client):
    page = upload(admin_client).content.decode()
    assert "更正读数" in page
    index = _index_of(admin_client, "每年培训农民工10万人次以上")
    prefix = f"reading-{index}-0-"
    typed = {"value": "6万", "upper": "", "unit": "人次", "qualifier": "about", "kind": "flow", "period": "year"}
    fields = {prefix + field: value for field, value in typed.items()} | {prefix + "per_unit_level": "county"}
    response = admin_client.post(reverse("targets:plan_import_confirm"), fields)
    assert response.status_code == 302
    plan = Plan.objects.get(slug="draft-plan")
    target = plan.key_tasks.get(number=1).targets.get(source_text__contains="10万人次")
    assert (target.value, target.qualifier, target.per_unit_level) == (60000, "about", "county")
    (entry,) = [entry for entry in plan.import_review if entry["corrected"]]
    fixed = {fix["field"]: (fix["before"], fix["after"]) for fix in entry["readings_corrected"]}
    assert fixed == {"value": ("100000", "60000"), "qualifier": ("at_least", "about"), "per_unit_level": ("", "county")}
    page = admin_client.get(reverse("plans:detail", args=[plan.slug])).content.decode()
    assert "第1个目标数值：100000 → 60000" in page and "导入时更正 1 处" in page


def _corrected_value(client, value: str) -> tuple[int, str, dict[str, str]]:
    """The statement's index, its first reading's field prefix and the fields of a 更正读数 typing `value`."""
    index = _index_of(client, "每年培训农民工10万人次以上")
    prefix = f"reading-{index}-0-"
    typed = {"value": value, "upper": "", "unit": "人次", "qualifier": "at_least", "kind": "flow", "period": "year"}
    return index, prefix, {prefix + field: entry for field, entry in typed.items()} | {prefix + "per_unit_level": ""}


def test_a_reading_that_is_no_number_keeps_the_preview_and_writes_nothing(admin_client):
    upload(admin_client)
    index, prefix, fields = _corrected_value(admin_client, "十来个")
    response = admin_client.post(reverse("targets:plan_import_confirm"), fields | {"role-0": "target"})
    page = response.content.decode()
    assert response.status_code == 400 and not Plan.objects.filter(slug="draft-plan").exists()
    assert f"第{index + 1}句第1个目标：数值“十来个”无法识别为数字" in page
    assert 'value="十来个"' in page  # what was typed is still there to correct
    assert '<option value="target" selected>' in page  # and so is the role chosen
    fields[prefix + "value"] = "10万"
    assert admin_client.post(reverse("targets:plan_import_confirm"), fields).status_code == 302


def test_a_reading_corrected_to_zero_is_kept_as_zero(admin_client):
    upload(admin_client)
    _, _, fields = _corrected_value(admin_client, "0")
    assert admin_client.post(reverse("targets:plan_import_confirm"), fields).status_code == 302
    target = Plan.objects.get(slug="draft-plan").key_tasks.get(number=1).targets.get(source_text__contains="10万人次")
    assert target.value == 0 and target.value is not None
    (entry,) = [entry for entry in Plan.objects.get(slug="draft-plan").import_review if entry["corrected"]]
    assert entry["readings_corrected"] == [{"target": 1, "field": "value", "before": "100000", "after": "0"}]
