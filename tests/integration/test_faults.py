"""Faults survived: Redis stopped and started again, a Celery worker killed mid-circular, the database's
connections cut under traffic. Each runs against real processes (its own redis-server on a spare port, a
real Celery worker, PostgreSQL) and checks that nothing is lost and nothing half-made is served."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from reports.models import Circular, CircularJob
from reports.services import jobs_fail_stuck
from skills_admin.lib.downloads import media_file
from targets.models import AuditEntry, MonthlyFigure

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, up: bool, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            if up:
                return
        except OSError:
            if not up:
                return
        time.sleep(0.05)
    raise AssertionError(f"port {port} did not go {'up' if up else 'down'}")


class RedisServer:
    """A throw-away redis-server we may stop and start without touching the machine's own Redis."""

    def __init__(self):
        self.port = _free_port()
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        _wait_port(self.port, up=True)

    def stop(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        _wait_port(self.port, up=False)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


@pytest.fixture
def redis_server(services):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server binary not installed")
    server = RedisServer()
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


def _worker(broker_url: str, media_root: Path) -> subprocess.Popen:
    s = connection.settings_dict
    host = f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{s['USER'] or 'postgres'}@{host}/{s['NAME']}",
        "REDIS_URL": broker_url,
        "CELERY_BROKER_URL": broker_url,
        "SKILLS_ADMIN_MEDIA_ROOT": str(media_root),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "skills_admin", "worker", "--pool", "solo", "--loglevel", "WARNING"],
        cwd=ROOT,
        env=env,
    )


def _wait_job(job: CircularJob, states=("done", "failed"), seconds: float = 90) -> CircularJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in states:
            return job
        time.sleep(0.05)
    return job


@pytest.fixture
def real_broker(redis_server, tmp_path):
    """Celery publishes to the throw-away Redis (not eagerly) and the cache lives there too."""
    from skills_admin.celery import app

    caches = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_server.url}}
    previous = app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = redis_server.url
    _reset_connections(app)
    with override_settings(CACHES=caches, MEDIA_ROOT=tmp_path):
        yield redis_server
    app.conf.task_always_eager = True
    app.conf.broker_url = previous
    _reset_connections(app)


def _reset_connections(app) -> None:
    """Drop the app's broker connection and producer pools so the next publish connects to broker_url."""
    app._pool = None
    app.amqp._producer_pool = None


def test_redis_stopped_pages_load_circular_waits_and_is_built_once_redis_is_back(
    real_broker, demo_plan, cast, client, tmp_path
):
    client.force_login(cast["leader"])
    overview = reverse("reports:overview") + f"?plan={demo_plan.slug}&year=2022&month=10"
    assert client.get(overview).status_code == 200

    real_broker.stop()
    page = client.get(overview)
    assert page.status_code == 200 and "各项指标完成率与序时进度" in page.content.decode()
    response = client.post(reverse("reports:circular_request"), {"plan": demo_plan.slug, "year": 2022, "month": 10})
    assert response.status_code == 302
    job = CircularJob.objects.get()
    assert job.status == CircularJob.Status.QUEUED
    assert "通报生成已延迟" in job.error  # the page says so, with a retry button
    listing = client.get(reverse("reports:circulars") + f"?plan={demo_plan.slug}").content.decode()
    assert "通报生成已延迟" in listing and "重试" in listing

    real_broker.start()
    worker = _worker(real_broker.url, tmp_path)
    try:
        assert client.post(reverse("reports:job_retry", args=[job.pk])).status_code == 302
        retried = _wait_job(CircularJob.objects.exclude(pk=job.pk).get())
        assert retried.status == CircularJob.Status.DONE, retried.error
        download = client.get(reverse("reports:circular_download", args=[retried.circular_id, "docx"]))
        assert download.status_code == 200 and download.content[:2] == b"PK"
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def test_worker_killed_mid_circular_ends_failed_never_serves_a_half_file_and_a_retry_builds_it(
    real_broker, demo_plan, cast, client, tmp_path
):
    client.force_login(cast["admin"])
    worker = _worker(real_broker.url, tmp_path)
    try:
        time.sleep(2)  # let the worker connect before the job is queued
        client.post(reverse("reports:circular_request"), {"plan": demo_plan.slug, "year": 2022, "month": 10})
        job = _wait_job(CircularJob.objects.get(), states=("running", "done", "failed"), seconds=60)
        assert job.status == "running", job.status
        worker.send_signal(signal.SIGKILL)  # the worker dies in the middle of building
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    job.refresh_from_db()
    if job.status == CircularJob.Status.RUNNING:
        # no Circular row until both files are complete, so nothing can be downloaded meanwhile
        assert not Circular.objects.exists()
        assert not [p for p in tmp_path.rglob("*.docx") if not p.name.startswith(".tmp-")] or Circular.objects.exists()
        # the beat task that sweeps stuck jobs ends it as failed (30 minutes in production; now here)
        assert jobs_fail_stuck(max_minutes=0) == 1
        job.refresh_from_db()
    assert job.status in (CircularJob.Status.FAILED, CircularJob.Status.DONE)
    if job.status == CircularJob.Status.FAILED:
        assert "重试" in job.error
        worker = _worker(real_broker.url, tmp_path)
        try:
            client.post(reverse("reports:job_retry", args=[job.pk]))
            retried = _wait_job(CircularJob.objects.exclude(pk=job.pk).get())
            assert retried.status == CircularJob.Status.DONE, retried.error
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    for circular in Circular.objects.all():  # every circular that exists has both files, whole
        assert media_file(circular.docx_path).stat().st_size > 0 and media_file(circular.xlsx_path).stat().st_size > 0


def test_database_connections_cut_under_traffic_fail_cleanly_and_recover(services, demo_plan, cast, client):
    """What a PostgreSQL restart looks like to the application: every connection of the database terminated.

    A request in that moment fails (Django reconnects on the next one); figures and audit are untouched."""
    client.force_login(cast["leader"])
    url = reverse("reports:overview") + f"?plan={demo_plan.slug}&year=2022&month=10"
    assert client.get(url).status_code == 200
    figures, audit = MonthlyFigure.objects.count(), AuditEntry.objects.count()
    name = connection.settings_dict["NAME"]
    admin = __import__("psycopg").connect(
        host=connection.settings_dict["HOST"] or "127.0.0.1", user="postgres", dbname="postgres", autocommit=True
    )
    with admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
    client.raise_request_exception = False
    during = client.get(url)
    assert during.status_code in (200, 500)  # a request on the dead connection errors, never hangs
    connection.close()  # what the request_finished signal does for a real server between requests
    after = client.get(url)
    assert after.status_code == 200
    assert (MonthlyFigure.objects.count(), AuditEntry.objects.count()) == (figures, audit)
