"""Other regions' figures are visible once submitted; drafts only to their own region and the admins above."""

import io

import openpyxl
import pytest
from django.urls import reverse

from targets.models import MonthlyFigure, Submission
from tests.conftest import DALIAN

pytestmark = pytest.mark.django_db
MONTH = 11  # open in the demo: some cities have submitted, others not


def _plant(plan, status: str, marker: str):
    """A peer of 大连 whose November is in `status`, with `marker` as a remark on one of its figures."""
    submission = (
        Submission.objects.filter(plan=plan, year=2022, month=MONTH, region__parent=plan.region)
        .exclude(region__code=DALIAN)
        .first()
    )
    Submission.objects.filter(pk=submission.pk).update(status=status)
    figure = (
        MonthlyFigure.objects.filter(allocation__region=submission.region, month=MONTH, value__isnull=False)
        .select_related("allocation")
        .first()
    )
    MonthlyFigure.objects.filter(pk=figure.pk).update(remark=marker)
    return submission.region, figure.allocation.target_id


def _bodies(client, plan, target_id) -> str:
    query = f"?plan={plan.slug}&year=2022&month={MONTH}&region={DALIAN}&target={target_id}&ranking-page=1"
    page = client.get(reverse("reports:ranking") + query).content.decode()
    csv = client.get(reverse("reports:table_export", args=["ranking", "csv"]) + query).content.decode("utf-8-sig")
    xlsx = client.get(reverse("reports:table_export", args=["ranking", "xlsx"]) + query).content
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    cells = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None)
    return page + csv + cells


def test_a_peers_draft_is_withheld_from_city_users(demo_plan, cast, client):
    _region, target_id = _plant(demo_plan, Submission.Status.DRAFT, "DRAFT-MARKER-7731")
    client.force_login(cast["dalian_viewer"])
    assert "DRAFT-MARKER-7731" not in _bodies(client, demo_plan, target_id)


def test_a_peers_submitted_month_is_visible(demo_plan, cast, client):
    _region, target_id = _plant(demo_plan, Submission.Status.SUBMITTED, "SUBMITTED-MARKER-7731")
    client.force_login(cast["dalian_viewer"])
    assert "SUBMITTED-MARKER-7731" in _bodies(client, demo_plan, target_id)


def test_the_provincial_admin_sees_drafts_below(demo_plan, cast, client):
    _region, target_id = _plant(demo_plan, Submission.Status.DRAFT, "DRAFT-MARKER-7731")
    client.force_login(cast["admin"])
    query = f"?plan={demo_plan.slug}&year=2022&month={MONTH}&target={target_id}&ranking-page=1"
    assert "DRAFT-MARKER-7731" in client.get(reverse("reports:ranking") + query).content.decode()
