"""The grid page renders its rows without a template include or a widget template per row (issue #23: the
template was a third of a grid request's CPU), and what it renders by hand is what Django would render."""

from collections import Counter
from pathlib import Path

import pytest
from django.http import QueryDict
from django.urls import reverse

from targets.forms import GridForm
from targets.grid import grid_for
from tests.conftest import DEMO_TODAY, SHENYANG

pytestmark = pytest.mark.django_db


def test_the_grid_renders_no_include_or_widget_template_per_row(demo_plan, cast, client, time_machine):
    time_machine.move_to(DEMO_TODAY)
    client.force_login(cast["shenyang_reporter"])
    response = client.get(reverse("targets:grid", args=[demo_plan.slug, 2022, 11, SHENYANG]))
    assert response.status_code == 200
    rows = len(response.context["grid"].rows)
    assert rows >= 20
    rendered = Counter(t.name for t in response.templates)
    statuses = {r.progress.status for r in response.context["grid"].rows}
    assert rendered["includes/status_badge.html"] <= len(statuses)  # once per status shown, not once per row
    assert rendered["includes/icon.html"] <= 1
    assert rendered["django/forms/widgets/hidden.html"] <= 1  # the version field only
    pages = sum(n for name, n in rendered.items() if not name.startswith(("django/forms/", "includes/status_badge")))
    assert pages <= 6  # page, base, menus, the warning icon … a fixed number, whatever the rows
    milestones = sum(r.is_milestone for r in response.context["grid"].rows)
    assert rendered["django/forms/widgets/select.html"] <= milestones  # only a milestone row renders widgets
    assert response.content.decode().count('type="hidden" name="orig_value_') == rows


@pytest.mark.parametrize("bound", [False, True])
@pytest.mark.parametrize("disabled", [False, True])
def test_the_hand_rendered_hidden_inputs_are_what_django_renders(demo_plan, time_machine, bound, disabled):
    time_machine.move_to(DEMO_TODAY)
    from plans.models import Region

    grid = grid_for(demo_plan, 2022, 11, Region.objects.get(code=SHENYANG))
    data = None
    if bound:
        data = QueryDict(mutable=True)
        for i, row in enumerate(grid.rows):
            if i % 3:  # some posted (with characters to escape), some blank, some missing
                data[f"orig_value_{row.allocation_id}"] = '1"<&>' if i % 3 == 1 else ""
                data[f"orig_remark_{row.allocation_id}"] = "备注 <b>"
    form = GridForm(grid, data)
    if disabled:
        for field in form.fields.values():
            field.disabled = True
    for row in grid.rows:
        for name in (f"orig_value_{row.allocation_id}", f"orig_remark_{row.allocation_id}"):
            assert form.hidden_input(name) == str(form[name])


def _grid_get(client, plan):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("targets:grid", args=[plan.slug, 2022, 11, SHENYANG]))
    assert response.status_code == 200
    return response, [q["sql"] for q in captured.captured_queries]


def test_the_grid_reads_the_plans_targets_once_per_generation_and_again_after_an_edit(
    demo_plan, cast, client, time_machine
):
    from targets.models import Target

    time_machine.move_to(DEMO_TODAY)
    client.force_login(cast["shenyang_reporter"])
    _grid_get(client, demo_plan)
    response, queries = _grid_get(client, demo_plan)
    assert not [q for q in queries if 'FROM "targets_target"' in q and "EXISTS" in q]  # targets_of not run again
    row = response.context["grid"].rows[0]
    target = Target.objects.get(pk=row.target.id)
    target.name = "改过名的指标"
    target.save()  # a target edited (admin): the generation is renewed
    response, queries = _grid_get(client, demo_plan)
    assert [q for q in queries if 'FROM "targets_target"' in q and "EXISTS" in q]
    assert "改过名的指标" in response.content.decode()


# The row markup as the grid template wrote it before the rows were written in Python (GridForm.row_html).
ROW_TEMPLATE = (Path(__file__).parent / "grid_row_before.html").read_text().rstrip("\n")


@pytest.mark.parametrize("readonly", [False, True])
@pytest.mark.parametrize("posted", [False, True])
def test_each_row_is_written_as_the_template_wrote_it(demo_plan, time_machine, readonly, posted):
    from django.template import Context, Template

    from plans.models import Region
    from targets.basis import cumulative_target_ids

    time_machine.move_to(DEMO_TODAY)
    grid = grid_for(demo_plan, 2022, 11, Region.objects.get(code=SHENYANG))
    data = None
    if posted:  # typed values, some invalid (an error on the row), with characters to escape
        data = QueryDict(mutable=True)
        data["version"] = str(grid.version)
        for i, row in enumerate(grid.rows):
            data[f"value_{row.allocation_id}"] = ["12", "abc", '<b>"x"'][i % 3]
            data[f"remark_{row.allocation_id}"] = 'a&b "c"'
    cumulative = cumulative_target_ids(demo_plan) or {grid.rows[1].target.id}
    first, second = grid.rows[0].allocation_id, grid.rows[1].allocation_id
    flags = {first: {"includes_prior": True}, second: {"is_correction": True}}
    form = GridForm(grid, data, cumulative=cumulative, flags=flags)
    if posted:
        form.is_valid()
    if readonly:
        for field in form.fields.values():
            field.disabled = True
    form.readonly = readonly
    template = Template(ROW_TEMPLATE)
    milestone = set()
    for b in form.bound_rows():
        milestone.add(b["row"].is_milestone)
        expected = template.render(Context({"b": b, "form": form, "readonly": readonly}))
        assert form.row_html(b) == expected
    assert milestone == {True, False}  # milestone rows and numbered rows both compared
