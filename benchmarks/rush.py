"""The end-of-month rush, against gunicorn + PostgreSQL (+ Redis cache): reporters saving their grids within a
minute while leaders keep opening dashboards. Afterwards every figure is counted against what was sent.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rush REDIS_URL=redis://127.0.0.1:6379/14 \\
        .venv/bin/python benchmarks/rush.py --reporters 300 --leaders 50 --seconds 60
    ... benchmarks/rush.py --times 3     # 900 reporters and 150 leaders in the same minute, ~945 counties

The database is migrated and filled with the synthetic “rush” scale (3 provinces, 42 cities, ~315 counties,
40 targets, 合成数据; “bigrush”: 9 provinces, ~945 counties) on first use. Prints latencies (median, p95,
max), server CPU per minute of rush and the tally; exits 1 on any error, any lost or doubled figure.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skills_admin.settings")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")

import django  # noqa: E402

django.setup()

import requests  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from benchmarks.scenarios import GridInputs, _free_port, _session_cookie, _wait_for  # noqa: E402
from plans.models import Plan, Profile, Region  # noqa: E402
from targets.loadgen import YEAR, generate_load  # noqa: E402
from targets.models import AuditEntry, MonthlyFigure, Submission  # noqa: E402

MONTH = 12
REMARK = "月末集中报送（压测）"


def prepare(reporters: int, leaders: int, scale: str = "rush"):
    call_command("migrate", verbosity=0)
    plan = Plan.objects.filter(slug=f"load-{scale}").first() or generate_load(scale=scale)
    counties = list(Region.objects.subtree_of(plan.region).filter(level="county").order_by("path")[:reporters])
    provinces = list(Region.objects.filter(parent=plan.region).order_by("code"))
    if len(counties) < reporters:
        raise SystemExit(f"only {len(counties)} counties for {reporters} reporters")
    users = get_user_model().objects
    cast = []
    for i, county in enumerate(counties):
        user, _ = users.get_or_create(username=f"rush-reporter-{i:03d}")
        Profile.objects.update_or_create(user=user, defaults={"role": Profile.Role.REPORTER, "region": county})
        cast.append(("reporter", user, county))
    for i in range(leaders):
        user, _ = users.get_or_create(username=f"rush-leader-{i:02d}")
        region = provinces[i % len(provinces)]
        Profile.objects.update_or_create(user=user, defaults={"role": Profile.Role.LEADER, "region": region})
        cast.append(("leader", user, region))
    # December is the month being reported: open for every county until well after today.
    import datetime as dt

    from django.utils import timezone

    until = timezone.localdate() + dt.timedelta(days=30)
    for county in counties:
        Submission.objects.update_or_create(
            plan=plan, region=county, year=YEAR, month=MONTH, defaults={"status": "draft", "reopened_until": until}
        )
    return plan, cast


def figures_of(plan, regions) -> dict[tuple[int, int], Decimal | None]:
    rows = MonthlyFigure.objects.filter(
        allocation__target__key_task__plan=plan, allocation__region__in=regions, month=MONTH
    ).values_list("allocation_id", "allocation__region_id", "value")
    return {(a, r): v for a, r, v in rows}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reporters", type=int, default=300)
    parser.add_argument("--leaders", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--nice", type=int, default=10, help="niceness of the load generator (not the server)")
    parser.add_argument("--think", type=float, nargs=2, default=(3.0, 10.0), help="seconds a leader reads a page")
    parser.add_argument(
        "--times",
        type=int,
        default=1,
        choices=[1, 3],
        help="3: three times the reporters and leaders, on three times the counties (the “bigrush” data)",
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("the rush runs on PostgreSQL: set DATABASE_URL")

    scale = "rush" if args.times == 1 else "bigrush"
    plan, cast = prepare(args.reporters * args.times, args.leaders * args.times, scale)
    counties = [region for role, _, region in cast if role == "reporter"]
    before = figures_of(plan, counties)
    audit_before = AuditEntry.objects.count()
    cookies = {user.pk: _session_cookie(user) for _, user, _ in cast}
    leaders = len(cast) - len(counties)
    print(f"data: {plan} · {len(counties)} reporters · {leaders} leaders · {len(before)} December figures")

    port = _free_port()
    gunicorn = [str(ROOT / ".venv/bin/gunicorn"), "skills_admin.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    gunicorn += ["--workers", str(args.workers), "--threads", str(args.threads), "--timeout", "120"]
    server = subprocess.Popen(
        [*gunicorn, "--log-level", "warning"],
        cwd=ROOT,
        # persistent database connections, as in production (docs/production.md): a new PostgreSQL backend per
        # request is a fork and an authentication the rush would otherwise pay for on every page
        env={**os.environ, "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "DJANGO_CONN_MAX_AGE": "60"},
    )
    os.nice(args.nice)  # the load generator yields the CPU to the server it measures
    base = f"http://127.0.0.1:{port}"
    lock = threading.Lock()
    saves, views, errors = [], [], []
    sent: dict[int, Decimal] = {}  # allocation id → value the server accepted
    stop = threading.Event()

    def reporter(user, county, delay):
        time.sleep(delay)
        session = _session(cookies[user.pk])
        url = f"{base}/figures/{plan.slug}/{YEAR}/{MONTH}/{county.code}/"
        try:
            started = time.perf_counter()
            page = session.get(url, timeout=120)
            form = GridInputs()
            form.feed(page.text)
            data = dict(form.fields)
            values = {}
            for name, old in form.fields.items():
                if name.startswith("value_"):
                    value = Decimal(old or 0) + random.randint(1, 9)
                    data[name] = str(value)
                    data["remark_" + name.removeprefix("value_")] = REMARK
                    values[int(name.removeprefix("value_"))] = value
            response = session.post(url, data=data, headers={"Referer": url}, timeout=120, allow_redirects=False)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if response.status_code == 302:
                    saves.append(elapsed)
                    sent.update(values)
                else:
                    errors.append(f"{county.name}: HTTP {response.status_code}")
        except Exception as exc:  # every failure is tallied, none may pass silently
            with lock:
                errors.append(f"{county.name}: {exc}")

    def leader(user, region):
        session = _session(cookies[user.pk])
        url = f"{base}/reports/?plan={plan.slug}&year={YEAR}&month={MONTH}&region={region.code}"
        stop.wait(random.uniform(0, 5))  # leaders open their dashboards at once, give or take a few seconds
        while not stop.is_set():
            started = time.perf_counter()
            try:
                response = session.get(url, timeout=120)
                with lock:
                    if response.status_code == 200:
                        views.append((time.perf_counter() - started) * 1000)
                    else:
                        errors.append(f"leader {region.name}: HTTP {response.status_code}")
            except Exception as exc:
                with lock:
                    errors.append(f"leader {region.name}: {exc}")
            stop.wait(random.uniform(*args.think))  # a leader reads the page before opening the next

    try:
        if not _wait_for(port):
            raise SystemExit("gunicorn did not start")
        rng = random.Random(1)
        threads = [
            threading.Thread(target=reporter, args=(u, r, rng.uniform(0, args.seconds)))
            for role, u, r in cast
            if role == "reporter"
        ]
        threads += [
            threading.Thread(target=leader, args=(u, r), daemon=True) for role, u, r in cast if role == "leader"
        ]
        for _ in range(3):  # every worker booted and connected before the clock starts
            requests.get(f"{base}/healthz", timeout=30)
        cpu_before, generator_before = server_cpu(server.pid), generator_cpu()
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads[: len(counties)]:
            t.join()
        stop.set()
        for t in threads[len(counties) :]:
            t.join()  # every leader's last request finishes before the server stops
        wall = time.perf_counter() - started
        cpu_after, generator_after = server_cpu(server.pid), generator_cpu()
    finally:
        server.terminate()
        server.wait(timeout=30)

    after = figures_of(plan, counties)
    lost = [a for a, value in sent.items() if after.get((a, _region_of(a))) != value]
    untouched = {k for k in before if k[0] not in sent}
    changed_without_send = [k for k in untouched if after.get(k) != before[k]]
    extra_rows = len(after) - len(before)
    audit = AuditEntry.objects.count() - audit_before

    def stats(samples):
        if not samples:
            return "—"
        ordered = sorted(samples)
        p95 = ordered[int(len(ordered) * 0.95) - 1 if len(ordered) > 1 else 0]
        return f"median {statistics.median(ordered):.0f} ms · p95 {p95:.0f} ms · max {ordered[-1]:.0f} ms"

    think = f"{args.think[0]:g}–{args.think[1]:g} s"
    print(f"rush over {wall:.1f} s on gunicorn {args.workers}×{args.threads} + PostgreSQL; leaders think {think}")
    print(f"  grid saves (GET + POST): {len(saves)}/{len(counties)} ok · {stats(saves)}")
    print(f"  dashboard views: {len(views)} ok · {stats(views)}")
    print(f"  errors: {len(errors)}" + (f" e.g. {errors[:3]}" if errors else ""))
    per_minute = 60 / wall
    spent = {part: cpu_after.get(part, 0) - cpu_before.get(part, 0) for part in cpu_after}
    server_total = sum(spent.values())
    parts = " · ".join(f"{part} {seconds * per_minute:.1f}" for part, seconds in spent.items())
    print(
        f"  server CPU: {server_total:.1f} core-s for the whole rush, {server_total * per_minute:.1f} per minute of "
        f"wall time ({parts}, per minute)"
    )
    generator = generator_after - generator_before
    print(f"  load generator CPU (nice {args.nice}): {generator * per_minute:.1f} core-s per minute, not counted above")
    print(f"  figures sent {len(sent)} · stored as sent {len(sent) - len(lost)} · lost {len(lost)}")
    print(f"  figures changed that nobody sent: {len(changed_without_send)} · new rows beyond the grid: {extra_rows}")
    print(f"  audit entries written: {audit} (figures changed: {len(sent)})")
    ok = not errors and not lost and not changed_without_send and extra_rows == 0 and audit >= len(sent)
    print("RESULT: " + ("nothing lost, nothing doubled" if ok else "FAILED"))
    sys.exit(0 if ok else 1)


def _session(cookie: str) -> requests.Session:
    """A client that opens a connection per request: a niced generator can take longer than gunicorn's
    2-second keep-alive between a grid's GET and its POST, and a POST on a connection the server has just
    closed fails without reaching it."""
    session = requests.Session()
    session.cookies.set("sessionid", cookie)
    session.headers["Connection"] = "close"
    return session


def _cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _processes() -> list[tuple[int, int, str]]:
    """(pid, parent pid, command line) of every process."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        found.append((int(entry), ppid, cmdline))
    return found


def server_cpu(gunicorn_pid: int) -> dict[str, float]:
    """CPU seconds so far of the server side: gunicorn (master and workers), this database's PostgreSQL backends
    plus PostgreSQL's shared writers (WAL, checkpoints: our saves cause most of their work), and Redis.

    PostgreSQL and Redis are shared with other users of this machine; only this database's backends are
    counted, but the writers and Redis count everyone's work done meanwhile. A backend that exits between the
    two readings loses its time: the server keeps its connections (CONN_MAX_AGE), so few do.
    """
    database = connection.settings_dict["NAME"]
    totals = {"gunicorn": 0.0, "postgres": 0.0, "redis": 0.0}
    for pid, ppid, cmdline in _processes():
        if pid == gunicorn_pid or ppid == gunicorn_pid:
            part = "gunicorn"
        elif cmdline.startswith("postgres:") and (
            f" {database} " in cmdline or any(w in cmdline for w in ("walwriter", "checkpointer", "background writer"))
        ):
            part = "postgres"
        elif cmdline.startswith("redis-server") or "/redis-server" in cmdline:
            part = "redis"
        else:
            continue
        try:
            totals[part] += _cpu_seconds(pid)
        except OSError:
            continue
    return totals


def generator_cpu() -> float:
    usage = os.times()
    return usage.user + usage.system


_REGION_OF: dict[int, int] = {}


def _region_of(allocation_id: int) -> int:
    if not _REGION_OF:
        from targets.models import Allocation

        _REGION_OF.update(Allocation.objects.filter(year=YEAR).values_list("id", "region_id"))
    return _REGION_OF[allocation_id]


if __name__ == "__main__":
    main()
