"""Against the real services: concurrent saves on PostgreSQL, the Redis cache, a Celery worker building a circular."""

import os
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection, connections

from targets.grid import grid_for
from targets.models import MonthlyFigure, Submission
from targets.services import ConflictError, FigureEntry, figures_save
from tests.conftest import DEMO_TODAY, SHENYANG

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def test_redis_cache_round_trip(services):
    cache.set("integration-check", "通报", 30)
    assert cache.get("integration-check") == "通报"


def test_two_concurrent_saves_of_one_grid_exactly_one_wins(services, demo_plan, cast, region):
    shenyang = region(SHENYANG)
    grid = grid_for(demo_plan, 2022, 11, shenyang, today=DEMO_TODAY)
    rows = [r for r in grid.rows if not r.is_milestone][:10]
    barrier = threading.Barrier(2)
    outcomes = []

    def save(value: int, user):
        try:
            barrier.wait()
            figures_save(
                plan=demo_plan,
                region=shenyang,
                year=2022,
                month=11,
                user=user,
                entries=[
                    FigureEntry(
                        allocation_id=r.allocation_id,
                        value=Decimal(value),
                        remark="并发测试",
                        original_value=r.value,
                        original_remark=r.remark,
                    )
                    for r in rows
                ],
                expected_version=grid.version,
                today=DEMO_TODAY,
            )
            outcomes.append(("saved", value))
        except ConflictError:
            outcomes.append(("conflict", value))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(v, cast[u]))
        for v, u in ((101, "shenyang_reporter"), (202, "province_reporter"))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(o[0] for o in outcomes) == ["conflict", "saved"]
    winner = next(v for o, v in outcomes if o == "saved")
    stored = set(
        MonthlyFigure.objects.filter(allocation_id__in=[r.allocation_id for r in rows], month=11).values_list(
            "value", flat=True
        )
    )
    assert stored == {Decimal(winner)}, "no partial grid: every row holds the winner's value"
    assert Submission.objects.get(plan=demo_plan, region=shenyang, year=2022, month=11).version == grid.version + 1


def test_celery_worker_builds_a_circular_from_the_redis_queue(services, demo_plan, cast, region, tmp_path):
    from reports.tasks import circular_request

    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "SKILLS_ADMIN_MEDIA_ROOT": str(tmp_path),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "skills_admin", "worker", "--pool", "solo", "--loglevel", "WARNING"],
        cwd=ROOT,
        env=env,
    )
    try:
        from django.test import override_settings

        with override_settings(CELERY_TASK_ALWAYS_EAGER=False, MEDIA_ROOT=tmp_path):
            from skills_admin.celery import app

            app.conf.task_always_eager = False
            job = circular_request(plan=demo_plan, year=2022, month=10, region=demo_plan.region, user=cast["leader"])
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status in ("done", "failed"):
                break
            time.sleep(0.5)
        assert job.status == "done", (job.status, job.error)
        # names are stored relative to the worker's MEDIA_ROOT (tmp_path), outside this test's own media root
        assert (tmp_path / job.circular.docx_path).is_file() and (tmp_path / job.circular.xlsx_path).is_file()
    finally:
        from skills_admin.celery import app

        app.conf.task_always_eager = True
        worker.terminate()
        worker.wait(timeout=30)


def _test_database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
