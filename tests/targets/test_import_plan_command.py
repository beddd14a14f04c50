"""manage.py import_plan: the annex table imported from the command line, or only previewed."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from plans.annex import UNREADABLE
from plans.models import KeyTask, Measure, Plan
from targets.importer import regions_load
from targets.models import Target

SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_9aeb8eb7bd8c388f.txt"
ARGS = ["--slug", "liaoning-import", "--title", "“技能辽宁行动”实施方案", "--region", "210000", "--year", "2022"]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def liaoning():
    regions_load(rows=[{"code": "210000", "name": "辽宁省", "level": "province", "parent": None}])


def run(*args) -> str:
    out = StringIO()
    call_command("import_plan", *args, stdout=out)
    return out.getvalue()


def test_dry_run_prints_the_preview_and_writes_nothing():
    output = run(str(SEED), *ARGS, "--dry-run")
    assert not Plan.objects.filter(slug="liaoning-import").exists()
    assert not KeyTask.objects.filter(plan__slug="liaoning-import").exists()
    assert "预览（仅预览，未写入）" in output
    assert "重点任务 1：紧贴产业发展需求发布急需紧缺技能人才目录" in output
    assert "目标 1：发布急需紧缺技术工种　50 个（每季度，确定值）" in output
    assert "目标 2：急需紧缺工种培训　50000 人次（每年，确定值）" in output
    assert "2—3 所（确定值）" in output
    assert "里程碑（无数值）" in output
    assert "将创建：重点任务 12 项，工作措施 44 条，工作目标 33 个" in output


def test_import_creates_the_plan():
    output = run(str(SEED), *ARGS, "--document-number", "辽人社发〔2022〕7号")
    plan = Plan.objects.get(slug="liaoning-import")
    assert plan.document_number == "辽人社发〔2022〕7号"
    assert (plan.start_date.isoformat(), plan.end_date.isoformat()) == ("2022-01-01", "2022-12-31")
    assert plan.key_tasks.count() == 12
    assert Measure.objects.filter(key_task__plan=plan).count() == 44
    assert Target.objects.filter(key_task__plan=plan).count() == 33  # 12-2 “…示范基地和技能大师工作站各10家” is two
    first = Target.objects.get(key_task__plan=plan, key_task__number=1, number=1)
    assert (first.value, first.unit, first.period) == (50, "个", "quarter")
    assert "已导入" in output and "重点任务 12 项" in output


def test_bad_file_raises_and_writes_nothing(tmp_path):
    bad = tmp_path / "annex.txt"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(CommandError, match=re.escape(UNREADABLE)):
        run(str(bad), *ARGS)
    assert not Plan.objects.filter(slug="liaoning-import").exists()


def test_missing_column_raises_and_writes_nothing(tmp_path):
    bad = tmp_path / "annex.txt"
    bad.write_text(SEED.read_text(encoding="utf-8").replace("工作目标", "备注", 1), encoding="utf-8")
    with pytest.raises(CommandError, match="缺少列：工作目标"):
        run(str(bad), *ARGS)
    assert not Plan.objects.filter(slug="liaoning-import").exists()


def test_missing_file(tmp_path):
    with pytest.raises(CommandError, match="无法读取文件"):
        run(str(tmp_path / "none.txt"), *ARGS)


def test_unknown_region_and_taken_slug():
    with pytest.raises(CommandError, match="找不到区划代码为“999999”的地区"):
        run(str(SEED), *ARGS[:4], "--region", "999999", "--year", "2022")
    run(str(SEED), *ARGS)
    with pytest.raises(CommandError, match="标识为“liaoning-import”的方案已存在"):
        run(str(SEED), *ARGS, "--dry-run")
    assert Plan.objects.filter(slug="liaoning-import").count() == 1


def test_year_out_of_range():
    with pytest.raises(CommandError, match="年度须在 2000—2100 之间"):
        run(str(SEED), *ARGS[:6], "--year", "1999")


# ------------------------------------------------------------------------- the same import through the form


@pytest.fixture
def admin_client(client):
    from plans.models import Profile
    from tests.conftest import make_user

    client.force_login(make_user("importer", Profile.Role.ADMIN, "210000"))
    return client


def post_import(client, dry_run: bool, data: bytes | None = None):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from plans.models import Region

    upload = SimpleUploadedFile("附件.txt", SEED.read_bytes() if data is None else data, "text/plain")
    fields = {"slug": "liaoning-import", "title": "技能辽宁行动", "region": Region.objects.get(code="210000").pk}
    fields |= {"year": 2022, "document_number": "", "file": upload} | ({"dry_run": "on"} if dry_run else {})
    return client.post(reverse("targets:plan_import"), fields)


def test_form_preview_shows_the_table_and_writes_nothing(admin_client):
    response = post_import(admin_client, dry_run=True)
    assert response.status_code == 200
    assert not Plan.objects.filter(slug="liaoning-import").exists()
    page = response.content.decode()
    assert "预览：尚未写入" in page
    assert "紧贴产业发展需求发布急需紧缺技能人才目录" in page
    assert "发布急需紧缺技术工种" in page and "每季度" in page


def test_form_import_creates_the_plan(admin_client):
    response = post_import(admin_client, dry_run=False)
    assert response.status_code == 302
    assert Plan.objects.get(slug="liaoning-import").key_tasks.count() == 12


def test_form_shows_the_annex_error(admin_client):
    response = post_import(admin_client, dry_run=False, data=b"\xff\xfe\x00garbage")
    assert not Plan.objects.filter(slug="liaoning-import").exists()
    assert "无法读取文件：既不是 .xlsx 工作簿，也不是 UTF-8 文本" in response.content.decode()


def test_form_refuses_an_empty_or_too_large_file(admin_client, settings):
    assert "上传的文件是空的" in post_import(admin_client, dry_run=True, data=b"").content.decode()
    settings.UPLOAD_MAX_BYTES = 100
    assert "文件过大，上限为" in post_import(admin_client, dry_run=True).content.decode()
    assert not Plan.objects.filter(slug="liaoning-import").exists()
