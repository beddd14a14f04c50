"""A save costs what it writes: one grid GET + POST in a bounded number of queries, whatever the number of rows."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from targets.models import AuditEntry
from tests.conftest import DEMO_TODAY, SHENYANG

pytestmark = pytest.mark.django_db


def _form_data(form) -> dict:
    """What a browser sends back: every field of the grid as rendered."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else str(value)
    return data


def _get(client, plan):
    url = reverse("targets:grid", args=[plan.slug, 2022, 11, SHENYANG])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response, captured


def _post(client, plan, data):
    url = reverse("targets:grid", args=[plan.slug, 2022, 11, SHENYANG])
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    return captured


def _changed(response, rows: int) -> dict:
    """The form as rendered with `rows` numeric rows raised by 1 (and a remark, which a jump may need)."""
    grid, data = response.context["grid"], _form_data(response.context["form"])
    numeric = [r for r in grid.rows if not r.is_milestone and f"value_{r.allocation_id}" in data][:rows]
    for row in numeric:
        key = f"value_{row.allocation_id}"
        data[key] = f"{(Decimal(data[key] or 0) + 1).normalize():f}"
        data[f"remark_{row.allocation_id}"] = "核实后更正"
    return data, len(numeric)


def test_a_grid_get_and_post_take_a_bounded_number_of_queries_whatever_the_rows(demo_plan, cast, client, time_machine):
    time_machine.move_to(DEMO_TODAY)
    client.force_login(cast["shenyang_reporter"])
    response, _ = _get(client, demo_plan)
    _post(client, demo_plan, _changed(response, 100)[0])  # every row has a figure from now on
    response, get_queries = _get(client, demo_plan)
    data, many = _changed(response, 100)
    before = AuditEntry.objects.count()
    all_rows = _post(client, demo_plan, data)
    assert many > 5 and AuditEntry.objects.count() - before >= many  # every change audited …
    audit_inserts = [q for q in all_rows.captured_queries if q["sql"].startswith('INSERT INTO "targets_auditentry"')]
    assert len(audit_inserts) == 1  # … in one statement
    response, _ = _get(client, demo_plan)
    one_row = _post(client, demo_plan, _changed(response, 1)[0])
    assert len(all_rows) == len(one_row)  # saving 1 row or all of them: the same statements
    print(f"grid GET {len(get_queries)} queries; POST of {many} rows {len(all_rows)} queries")
    assert len(get_queries) <= 20, [q["sql"][:90] for q in get_queries.captured_queries]
    assert len(all_rows) <= 25, [q["sql"][:90] for q in all_rows.captured_queries]
