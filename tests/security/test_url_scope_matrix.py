"""Every URL of the product, generated from the URL configuration, against every role.

New URLs are covered automatically: a URL whose kwargs cannot be filled from SAMPLE_KWARGS makes the test fail,
so whoever adds one has to say what it is about.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from targets.models import Allocation, AuditEntry, MonthlyFigure, Submission
from tests.conftest import SHENYANG

pytestmark = pytest.mark.django_db

PUBLIC = {"login", "healthz"}
SKIP_NAMESPACES = {"admin"}  # Django's admin has its own staff checks, tested separately


def _named_patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            if ns in SKIP_NAMESPACES:
                continue
            yield from _named_patterns(p, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}{p.name}", p


def _sample_kwargs(demo_plan, region):
    shenyang = region(SHENYANG)
    allocation = Allocation.objects.filter(region=shenyang, target__key_task__plan=demo_plan).first()
    submission = Submission.objects.filter(region=shenyang, plan=demo_plan).first()
    return {
        "slug": demo_plan.slug,
        "year": 2022,
        "month": 11,
        "region_code": shenyang.code,
        "allocation_id": allocation.id,
        "pk": submission.id,
        "action": "approve",
        "department_id": Allocation.objects.exclude(department=None).values_list("department_id", flat=True)[0],
        "table": "overview",
        "fmt": "xlsx",
    }


def _urls(demo_plan, region):
    sample = _sample_kwargs(demo_plan, region)
    for name, pattern in _named_patterns():
        keys = list(pattern.pattern.regex.groupindex)
        missing = [k for k in keys if k not in sample]
        assert not missing, f"URL {name} takes {missing}: add them to the scope matrix"
        if name.startswith("api:"):
            continue  # the API has its own matrix in tests/api
        yield name, reverse(name, kwargs={k: sample[k] for k in keys}), keys


def test_anonymous_users_reach_only_login_and_healthz(demo_plan, region, client):
    for name, url, _ in _urls(demo_plan, region):
        response = client.get(url)
        if name in PUBLIC:
            assert response.status_code in (200, 503), name
        elif response.status_code == 405:  # a POST-only view: it must send an anonymous POST to the login page
            response = client.post(url)
            assert response.status_code == 302 and "/login/" in response["Location"], (name, response.status_code)
        else:
            assert response.status_code == 302 and "/login/" in response["Location"], (
                name,
                response.status_code,
            )


@pytest.mark.parametrize("who", ["dalian_viewer", "outsider"])
def test_users_cannot_touch_shenyang_objects_by_url(who, demo_plan, region, cast, client):
    """URLs that name a 沈阳 object (its grid, its figures, its submission) refuse non-reporters of 沈阳."""
    client.force_login(cast[who])
    figures, audit = MonthlyFigure.objects.count(), AuditEntry.objects.count()
    for name, url, keys in _urls(demo_plan, region):
        if not {"region_code", "allocation_id", "pk"} & set(keys):
            continue
        for method in (client.get, client.post):
            response = method(url, {"value": "1", "reason": "x", "until": "2030-01-01"})
            assert response.status_code in (403, 404, 405) or (
                response.status_code == 302 and method == client.post and name.startswith("reports:")
            ), (who, name, method.__name__, response.status_code)
    assert (MonthlyFigure.objects.count(), AuditEntry.objects.count()) == (figures, audit)


def test_viewer_asking_for_another_citys_region_gets_404(demo_plan, region, cast, client):
    client.force_login(cast["dalian_viewer"])
    checked = 0
    for name, url, keys in _urls(demo_plan, region):
        if keys or name in PUBLIC or name in {"logout", "home"}:
            continue
        response = client.get(f"{url}?plan={demo_plan.slug}&region={SHENYANG}")
        own = {"plans:list", "targets:plan_import", "targets:notifications"}  # lists of the user's own, no region
        assert response.status_code in (403, 404, 405) or name in own, (
            name,
            response.status_code,
        )
        checked += 1
    assert checked >= 5


def test_city_reporter_can_open_own_grid_but_not_another_citys(demo_plan, cast, client):
    client.force_login(cast["shenyang_reporter"])
    own = reverse("targets:grid", args=[demo_plan.slug, 2022, 11, SHENYANG])
    other = reverse("targets:grid", args=[demo_plan.slug, 2022, 11, "210200"])
    assert client.get(own).status_code == 200
    assert client.get(other).status_code == 404
    assert client.post(other, {"version": 0}).status_code == 404
