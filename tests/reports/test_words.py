"""Words as a reader reads them: no doubled scope, no “。。”, no “1—1月”, channel names and people's names."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from plans.models import Profile
from reports.circular_content import circular_content, circular_title
from targets.formatting import months_through, person_name, scoped, sentence
from targets.models import Reminder
from tests.conftest import DEMO_TODAY, add_figures, make_small_plan, make_user

YEAR = 2022


def test_january_is_one_month_not_a_range():
    assert months_through(1) == "1月"
    assert months_through(6) == "1—6月"


def test_a_name_that_already_says_its_scope_is_not_doubled():
    assert scoped("全省", "全省技工院校在校生规模") == "全省技工院校在校生规模"
    assert scoped("全省", "技能人才总量") == "全省技能人才总量"


def test_a_sentence_ends_with_one_full_stop():
    assert sentence("采用附件口径。") == "采用附件口径。"
    assert sentence("采用附件口径") == "采用附件口径。"


def _all_text(content) -> str:
    parts = [content.title, content.opening, *content.overview_paragraphs, *content.problems]
    return "\n".join([*parts, *(t.sentence for t in content.targets)])


@pytest.mark.parametrize("month", [1, 10])
def test_the_circular_never_doubles_a_scope_a_full_stop_or_a_month(demo_plan, month):
    content = circular_content(demo_plan, YEAR, month, demo_plan.region, today=DEMO_TODAY)
    text = _all_text(content)
    assert "全省全省" not in text and "。。" not in text and "1—1月" not in text
    if month == 1:
        assert "2022年1月" in content.opening and "1月" in circular_title(demo_plan, YEAR, 1)


def test_a_province_stock_named_with_its_scope_is_worded_once(db):
    plan, province, cities, (target,) = make_small_plan(
        year=2024,
        targets=[
            {"name": "全省技工院校在校生规模", "value": Decimal(70000), "unit": "人", "kind": "stock", "period": "year"}
        ],
    )
    add_figures(target, cities[0], 2024, Decimal(30000), {1: Decimal(20000)})
    content = circular_content(plan, 2024, 1, province, today=dt.date(2024, 2, 20))
    sentence_text = next(t.sentence for t in content.targets)
    assert sentence_text.startswith("全省技工院校在校生规模") and "全省全省" not in sentence_text


def test_a_reading_note_ending_in_a_full_stop_gets_no_second_one(demo_plan):
    content = circular_content(demo_plan, YEAR, 10, demo_plan.region, today=DEMO_TODAY)
    notes = [p for p in content.overview_paragraphs if p.startswith("注：")]
    assert notes, "the Liaoning plan states targets twice"
    assert all(not n.endswith("。。") for n in notes)


def test_the_month_filter_offers_january_as_one_month(demo_plan, cast, client_for):
    html = client_for(cast["admin"]).get(reverse("reports:overview") + "?plan=liaoning-2022&year=2022&month=1").content
    assert "1—1月" not in html.decode() and ">1月</option>" in html.decode()


def test_reminders_show_channel_names_not_codes(demo_plan, cast):
    reminder = Reminder(plan=demo_plan, year=YEAR, month=10, kind="manual", channels="site,email,webhook")
    assert reminder.channel_labels == "站内通知、邮件、群机器人"


def test_a_persons_full_name_stands_where_a_name_belongs_falling_back_to_the_username(db):
    named = get_user_model()(username="admin", first_name="明", last_name="王")
    assert person_name(named) == "王明"
    assert person_name(get_user_model()(username="admin")) == "admin"
    assert person_name(None) == ""


def test_the_chase_log_and_the_audit_log_show_names_and_channel_labels(demo_plan, cast, client_for):
    admin = cast["admin"]
    admin.first_name, admin.last_name = "明", "王"
    admin.save()
    client = client_for(admin)
    url = reverse("targets:chase", args=[demo_plan.slug, YEAR, 11])
    client.post(url, {"channels": ["email", "webhook"], "message": "请尽快报送", "action": "send"})
    html = client.get(reverse("targets:completeness") + f"?plan={demo_plan.slug}&year={YEAR}&month=11").content.decode()
    assert "site,email" not in html and "站内通知、邮件" in html
    assert "王明" in html
    audit = client.get(reverse("targets:audit_log")).content.decode()
    assert "site,email" not in audit


def test_a_conflict_names_the_person_who_changed_the_figure(demo_plan, cast, region):
    from targets.grid import grid_for
    from targets.models import MonthlyFigure
    from targets.services import FigureEntry, figures_save

    reporter = make_user("sy2", Profile.Role.REPORTER, "210100")
    reporter.first_name, reporter.last_name = "丽", "李"
    reporter.save()
    grid = grid_for(demo_plan, YEAR, 11, region("210100"), today=DEMO_TODAY)
    row = next(r for r in grid.rows if not r.is_milestone and r.target.kind == "flow")
    figures_save(
        plan=demo_plan,
        region=region("210100"),
        year=YEAR,
        month=11,
        user=reporter,
        expected_version=grid.version,
        entries=[FigureEntry(allocation_id=row.allocation_id, value=Decimal(3), original_value=row.value)],
        today=DEMO_TODAY,
    )
    assert MonthlyFigure.objects.get(allocation_id=row.allocation_id, month=11).updated_by == reporter
    from targets.errors import ConflictError

    with pytest.raises(ConflictError) as raised:
        figures_save(
            plan=demo_plan,
            region=region("210100"),
            year=YEAR,
            month=11,
            user=cast["shenyang_reporter"],
            expected_version=grid.version,
            entries=[FigureEntry(allocation_id=row.allocation_id, value=Decimal(4), original_value=row.value)],
            today=DEMO_TODAY,
        )
    assert any("李丽 修改" in change for change in raised.value.changes)
