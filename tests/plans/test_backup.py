import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from plans.models import Plan, Region
from targets.models import Allocation, AuditEntry, MonthlyFigure, Rollup, Submission

pytestmark = pytest.mark.django_db(transaction=True)
MODELS = [Plan, Region, Allocation, MonthlyFigure, Submission, AuditEntry, Rollup]


def _snapshot():
    figures = sorted(MonthlyFigure.objects.values_list("allocation_id", "month", "value", "remark"))
    audit = sorted(AuditEntry.objects.values_list("id", "field", "old_value", "new_value", "via"))
    return {m.__name__: m.objects.count() for m in MODELS}, figures, audit


def test_backup_and_restore_round_trip_every_figure_and_audit_record(demo_plan, cast, tmp_path):
    before = _snapshot()
    assert before[0]["MonthlyFigure"] > 1000
    call_command("backup", tmp_path / "b.json.gz")
    for model in (AuditEntry, Rollup, MonthlyFigure, Submission, Allocation):
        model.objects.all().delete()
    Plan.objects.all().delete()
    get_user_model().objects.all().delete()
    call_command("restore", tmp_path / "b.json.gz")
    assert _snapshot() == before


def test_restore_refuses_a_database_that_has_plans(demo_plan, tmp_path):
    from django.core.management.base import CommandError

    call_command("backup", tmp_path / "b.json.gz")
    with pytest.raises(CommandError, match="已有方案数据"):
        call_command("restore", tmp_path / "b.json.gz")
