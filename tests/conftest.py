"""The fixed cast of the test suite and small helpers.

Cast: a provincial admin, a provincial reporter, a city reporter for 沈阳, a viewer for 大连, a leader, an
outsider with no role. `demo_plan` is the real Liaoning plan with the demo allocations and figures.
"""

import datetime as dt
import os
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from plans.models import Plan, Profile, Region

DEMO_TODAY = dt.date(2026, 11, 22)
SHENYANG, DALIAN, LIAONING = "210100", "210200", "210000"


def pytest_report_header(config):
    return [
        f"database: {os.environ.get('DATABASE_URL') or 'sqlite (embedded)'}",
        f"redis: {os.environ.get('REDIS_URL') or 'none (local-memory cache, eager Celery)'}",
    ]


def make_user(username: str, role: str | None = None, region_code: str | None = None):
    user = get_user_model().objects.create_user(username=username, password="Test-password-2024")
    if role:
        Profile.objects.create(
            user=user, role=role, region=Region.objects.get(code=region_code) if region_code else None
        )
    return user


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the four seed plans and the demo figures once into the test database.

    Every test that uses the database runs in a transaction rolled back afterwards, so this shared data is
    never changed by a test. Transactional tests (live server, real Celery worker) flush the database; they run
    last (pytest-django orders them so) and `seed` / `demo_plan` load the data again for them.
    """
    with django_db_blocker.unblock():
        _seed_load()
        _demo_load()


def _seed_load():
    from targets.importer import load_seed_fixtures

    if not Plan.objects.filter(slug="liaoning-2022").exists():
        load_seed_fixtures()
    return {p.slug: p for p in Plan.objects.filter(is_demo=False)}


def _demo_load():
    from targets.demo import demo_load
    from targets.models import MonthlyFigure

    if not MonthlyFigure.objects.filter(allocation__target__key_task__plan__slug="liaoning-2022").exists():
        demo_load(today=DEMO_TODAY)
    return Plan.objects.get(slug="liaoning-2022")


@pytest.fixture
def seed(db):
    """The four seed plans with their regions (real data only)."""
    return _seed_load()


@pytest.fixture
def cast(seed):
    return {
        "admin": make_user("admin", Profile.Role.ADMIN, LIAONING),
        "province_reporter": make_user("province_reporter", Profile.Role.REPORTER, LIAONING),
        "shenyang_reporter": make_user("shenyang_reporter", Profile.Role.REPORTER, SHENYANG),
        "dalian_viewer": make_user("dalian_viewer", Profile.Role.VIEWER, DALIAN),
        "leader": make_user("leader", Profile.Role.LEADER, LIAONING),
        "outsider": make_user("outsider"),
    }


@pytest.fixture
def demo_plan(seed) -> Plan:
    return _demo_load()


@pytest.fixture
def region():
    return lambda code: Region.objects.get(code=code)


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def make_region(code: str, name: str, level: str, parent=None) -> Region:
    region = Region.objects.create(code=code, name=name, level=level, parent=parent, path="")
    region.path = region.build_path()
    region.save(update_fields=["path"])
    return region


def make_small_plan(*, cities: int = 3, counties_per_city: int = 0, targets=None, year: int = 2024):
    """A province with `cities` cities (and counties), one plan, one key task and its targets.

    `targets` is a list of dicts of Target fields; default one annual flow target of 50000 人次.
    """
    from plans.models import KeyTask
    from targets.models import Target

    province = make_region("990000", "测试省", "province")
    city_list = [make_region(f"99{i + 1:02d}00", f"测试{i + 1}市", "city", province) for i in range(cities)]
    for city in city_list:
        for j in range(counties_per_city):
            make_region(f"{city.code[:4]}{j + 1:02d}", f"{city.name}{j + 1}县", "county", city)
    plan = Plan.objects.create(
        slug=f"test-{year}",
        title="测试行动方案",
        short_title="测试行动",
        region=province,
        start_date=dt.date(year, 1, 1),
        end_date=dt.date(year, 12, 31),
    )
    task = KeyTask.objects.create(plan=plan, number=1, title="测试任务")
    specs = targets or [
        {
            "name": "急需紧缺工种培训",
            "value": Decimal(50000),
            "unit": "人次",
            "kind": "flow",
            "period": "year",
        }
    ]
    made = [
        Target.objects.create(key_task=task, number=n, source_text=s["name"], **s) for n, s in enumerate(specs, start=1)
    ]
    return plan, province, city_list, made


def add_figures(target, region, year: int, value, monthly: dict[int, Decimal]):
    from targets.models import Allocation, MonthlyFigure
    from targets.rollups import figure_change_deltas, rollups_apply

    allocation = Allocation.objects.create(target=target, region=region, year=year, value=value)
    MonthlyFigure.objects.bulk_create(
        [MonthlyFigure(allocation=allocation, month=m, value=v) for m, v in monthly.items()]
    )
    changes = [(target.id, region.path, year, 0, value or Decimal(0), int(value is not None))]
    earlier: dict[int, Decimal] = {}
    for m, v in sorted(monthly.items()):  # as if saved month by month
        changes += figure_change_deltas(
            target_id=target.id,
            kind=target.kind,
            path=region.path,
            year=year,
            month=m,
            old=None,
            new=v,
            others=earlier,
        )
        earlier[m] = v
    rollups_apply(changes)
    return allocation


@pytest.fixture(autouse=True, scope="session")
def celery_runs_eagerly():
    """Unit tests run Celery tasks in-process; the integration group switches to a real worker explicitly."""
    from skills_admin.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = False
    yield


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: rolled-back data must not meet pages cached by an earlier test."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def circulars_without_pdf(settings):
    """Printing a PDF starts Chromium (~1 s); the tests that check the PDF turn it back on."""
    settings.CIRCULAR_PDF = False


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2 at production strength costs ~0.3 s a user; the cast alone has six. Login tests still hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
