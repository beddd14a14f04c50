"""Malformed input answers 400 or 404, never 500."""

import pytest
from django.urls import reverse

from tests.conftest import SHENYANG

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(cast, client):
    client.raise_request_exception = False
    client.force_login(cast["admin"])
    return client


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/figures/liaoning-2022/2022/0/{shenyang}/"),
        ("get", "/figures/liaoning-2022/2022/13/{shenyang}/"),
        ("get", "/figures/liaoning-2022/99999/11/{shenyang}/"),
        ("post", "/figures/liaoning-2022/2022/13/{shenyang}/reopen/"),
        ("get", "/figures/liaoning-2022/allocations/?year=abc"),
        ("get", "/figures/liaoning-2022/allocations/?target=abc"),
        ("get", "/figures/liaoning-2022/allocations/?year=2022.5"),
        ("get", "/figures/liaoning-2022/allocations/?year=99999"),
        ("get", "/figures/liaoning-2022/99999/11/template.xlsx"),
        ("get", "/figures/liaoning-2022/2022/13/template.xlsx"),
        ("get", "/reports/?plan=liaoning-2022&year=abc"),
        ("get", "/reports/?plan=liaoning-2022&year=2022.5"),
        ("get", "/reports/ranking/?plan=liaoning-2022&target=abc"),
        ("get", "/reports/trend/?plan=liaoning-2022&year=99999"),
        ("get", "/reports/circulars/?plan=liaoning-2022&year=99999"),
        ("post", "/reports/circulars/request/"),
        ("get", "/figures/history/1/13/"),
        ("get", "/figures/?plan=liaoning-2022&year=abc"),
    ],
)
def test_malformed_input_is_a_client_error(method, path, admin_client, demo_plan):
    data = {"until": "2030-01-01", "plan": demo_plan.slug, "year": 99999, "month": 11}
    response = getattr(admin_client, method)(path.format(shenyang=SHENYANG), data if method == "post" else None)
    assert response.status_code in (302, 400, 404), response.status_code


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_next_never_redirects_off_site(target, admin_client, demo_plan):
    from targets.models import Submission

    submission = Submission.objects.filter(plan=demo_plan).first()
    review = reverse("targets:submission_review", args=[submission.pk, "approve"])
    upload = reverse("targets:upload", args=[demo_plan.slug, 2022, 11])
    for url in (review, upload):
        response = admin_client.post(url, {"next": target})
        assert response.status_code in (302, 400)
        assert "evil.example" not in response.get("Location", "") and "javascript" not in response.get("Location", "")
