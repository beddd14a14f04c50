"""What the benchmarks run: each scenario beside the baseline it is compared with."""

from __future__ import annotations

import datetime as dt
import http.client
import os
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from plans.models import Plan, Region
from targets.engine import progress_report
from targets.models import Allocation, MonthlyFigure, Submission

ROOT = Path(__file__).resolve().parent.parent
YEAR, MONTH = 2025, 12
TODAY = dt.date(2026, 1, 5)  # inside December's reporting window, so the month is open


class GridInputs(HTMLParser):
    """The named inputs of the grid form, with their values, as the browser would submit them."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == "grid-form":
            self._in_form = True
        elif tag == "input" and self._in_form and a.get("name") and a.get("type") not in ("submit", "button"):
            self.fields[a["name"]] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False


def grid_form_changed(html: str, bump: int) -> tuple[dict[str, str], int]:
    """The grid form as a reporter sends it back: every figure raised by `bump`, each with a remark."""
    form = GridInputs()
    form.feed(html)
    data, changed = dict(form.fields), 0
    for name, old in form.fields.items():
        if name.startswith("value_"):
            data[name] = str(Decimal(old or 0) + bump)
            data["remark_" + name.removeprefix("value_")] = "月末集中报送（基准测试）"
            changed += 1
    return data, changed


@dataclass
class Context:
    plan: Plan
    scale: str
    user: object
    county: Region
    counter: int = 0

    @classmethod
    def prepare(cls, scale: str) -> Context:
        from django.core.management import call_command

        plan = Plan.objects.filter(slug=f"load-{scale}").first()
        if plan is None:
            call_command("generate_load", scale=scale)
            plan = Plan.objects.get(slug=f"load-{scale}")
        user, _ = get_user_model().objects.get_or_create(username="bench", defaults={"is_superuser": True})
        user.is_superuser = user.is_staff = True
        user.save()
        county = Region.objects.subtree_of(plan.region).filter(level="county").order_by("path").first()
        return cls(plan=plan, scale=scale, user=user, county=county)

    def describe(self) -> str:
        regions = Region.objects.subtree_of(self.plan.region).count()
        figures = MonthlyFigure.objects.filter(allocation__target__key_task__plan=self.plan).count()
        return f"{regions} regions, {self.plan.key_tasks.first().targets.count()} targets, {figures} monthly figures"

    # --- overview --------------------------------------------------------------------------------------------

    def progress(self):
        return progress_report(self.plan, YEAR, MONTH)

    def shared(self):
        """The report as every page reads it: once per data version (targets/report_cache.py)."""
        from targets.report_cache import shared_report

        return shared_report(self.plan, YEAR, MONTH)

    def report_pickle_sizes(self) -> list[str]:
        """What the cache stores per report (Redis pickles it; so does the local-memory cache)."""
        import pickle

        sizes = []
        for region in (self.plan.region, self.county.parent.parent, self.county.parent):
            report = progress_report(self.plan, YEAR, MONTH, region=region)
            size = len(pickle.dumps(report, pickle.HIGHEST_PROTOCOL))
            sizes.append(f"{region.name} {size / 1000:.0f} kB ({len(report.cells)} cells)")
        return sizes

    def raw_group_by(self):
        """The floor: one GROUP BY of every figure into (target, peer region, month), nothing else."""
        national = self.plan.region.level == "country"
        peer = "c.parent_id" if national else "r.parent_id"
        join = "JOIN plans_region c ON r.parent_id = c.id" if national else ""
        sql = f"""
            SELECT a.target_id, {peer}, f.month, SUM(f.value)
            FROM targets_monthlyfigure f
            JOIN targets_allocation a ON f.allocation_id = a.id
            JOIN plans_region r ON a.region_id = r.id {join}
            JOIN targets_target t ON a.target_id = t.id
            JOIN plans_keytask k ON t.key_task_id = k.id
            WHERE k.plan_id = %s AND a.year = %s AND f.month <= %s
            GROUP BY a.target_id, {peer}, f.month"""
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.plan.id, YEAR, MONTH])
            return cursor.fetchall()

    def overview_page(self):
        return self.page("overview")

    def page_paths(self) -> dict[str, str]:
        """The dashboards as a provincial (national) official opens them; my region as the city above the
        county the benchmark saves in, a target page for the first target."""
        query = f"plan={self.plan.slug}&year={YEAR}&month={MONTH}"
        target = self.plan.key_tasks.first().targets.order_by("number").first().id
        return {
            "overview": f"/reports/?{query}",
            "ranking": f"/reports/ranking/?{query}&target={target}",
            "my region": f"/reports/my-region/?{query}&region={self.county.parent.code}",
            "trend": f"/reports/trend/?{query}&target={target}",
            "departments": f"/reports/departments/?{query}",
        }

    def page(self, name: str):
        if not hasattr(self, "client"):
            self.client = Client()
            self.client.force_login(self.user)
        response = self.client.get(self.page_paths()[name])
        assert response.status_code == 200, response.status_code
        return response

    def touch(self) -> None:
        """Save one county figure (unchanged value plus one, then back): the next overview must recompute."""
        self._reopen()
        self.counter += 1
        allocation = Allocation.objects.filter(region=self.county, year=YEAR).first()
        self._save([(allocation.id, Decimal(100 + self.counter % 7))])

    def freshness(self) -> str:
        """Save one county figure through the service, then read the overview: is the change there?"""
        target_id = self.plan.key_tasks.first().targets.order_by("number").first().id
        before = self.progress().totals[target_id].progress.cumulative
        self._reopen()
        allocation = Allocation.objects.get(target_id=target_id, region=self.county, year=YEAR)
        figure = MonthlyFigure.objects.filter(allocation=allocation, month=MONTH).first()
        old = figure.value if figure else Decimal(0)
        self._save([(allocation.id, old + 1000)])
        after = self.progress().totals[target_id].progress.cumulative
        self._save([(allocation.id, old)])
        return f"yes (cumulative {before} → {after})" if after - before == 1000 else f"NO ({before} → {after})"

    # --- grid ------------------------------------------------------------------------------------------------

    def _reopen(self, regions=None) -> None:
        for region in regions or [self.county]:
            Submission.objects.update_or_create(
                plan=self.plan,
                region=region,
                year=YEAR,
                month=MONTH,
                defaults={"status": "draft", "reopened_until": max(TODAY, dt.date.today()) + dt.timedelta(days=30)},
            )

    def _save(self, values: list[tuple[int, Decimal]]):
        from targets.services import FigureEntry, figures_save

        entries = [FigureEntry(allocation_id=a, value=v, remark="基准测试") for a, v in values]
        return figures_save(
            plan=self.plan,
            region=self.county,
            year=YEAR,
            month=MONTH,
            entries=entries,
            user=self.user,
            expected_version=None,
            today=TODAY,
        )

    def grid_rows(self) -> int:
        return Allocation.objects.filter(region=self.county, year=YEAR).count()

    def grid_save(self):
        self._reopen()
        self.counter += 1
        ids = Allocation.objects.filter(region=self.county, year=YEAR).values_list("id", flat=True)
        return self._save([(a, Decimal(100 + self.counter % 7)) for a in ids])

    def grid_request(self) -> tuple[int, int, int]:
        """One reporter's grid GET + POST through the whole Django stack (session, middleware, form, template,
        save, redirect), as the county's reporter: (GET queries, POST queries, rows changed)."""
        from django.test.utils import CaptureQueriesContext

        from plans.models import Profile

        if not hasattr(self, "reporter_client"):
            user, _ = get_user_model().objects.get_or_create(username="bench-reporter")
            Profile.objects.update_or_create(user=user, defaults={"role": Profile.Role.REPORTER, "region": self.county})
            self.reporter_client = Client()
            self.reporter_client.force_login(user)
        self._reopen()
        self.counter += 1
        url = f"/figures/{self.plan.slug}/{YEAR}/{MONTH}/{self.county.code}/"
        with CaptureQueriesContext(connection) as get_queries:
            page = self.reporter_client.get(url)
        assert page.status_code == 200, page.status_code
        parsing = time.process_time()
        data, changed = grid_form_changed(page.content.decode(), 1 + self.counter % 5)
        self.client_cpu = time.process_time() - parsing  # the client's own work, not the server's
        with CaptureQueriesContext(connection) as post_queries:
            response = self.reporter_client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]
        return len(get_queries), len(post_queries), changed

    # --- upload ----------------------------------------------------------------------------------------------

    def upload_file(self) -> tuple[int, bytes]:
        from targets.excel import build_entry_template
        from targets.exports import template_rows

        city = self.county.parent
        regions = list(Region.objects.filter(parent__in=Region.objects.filter(parent=city.parent)))
        self._reopen(regions)
        rows = template_rows(self.plan, YEAR, MONTH, city.parent, self.user)
        # A month's figure near each row's monthly average so far, with a remark, as a real upload would carry.
        rows = [
            r.__class__(**{**r.__dict__, "value": _typical(r), "remark": "基准测试：按实名制系统汇总", "locked": False})
            for r in rows
        ]
        data = build_entry_template(
            plan_title=self.plan.title, plan_slug=self.plan.slug, year=YEAR, month=MONTH, rows=rows
        )
        return len(rows), data

    def upload(self, data: bytes):
        from targets.services import figures_upload

        self.counter += 1
        return figures_upload(plan=self.plan, year=YEAR, month=MONTH, data=data, user=self.user, today=TODAY)

    # --- circular --------------------------------------------------------------------------------------------

    def circular(self):
        from reports.circular_content import circular_content
        from reports.excel import build_circular_xlsx
        from reports.word import build_circular_docx

        content = circular_content(self.plan, YEAR, MONTH, self.plan.region, today=TODAY)
        return build_circular_xlsx(content), build_circular_docx(content)


def _typical(row) -> Decimal:
    if row.kind in ("stock", "ratio"):
        return row.cumulative_before or Decimal(50)
    return ((row.cumulative_before or Decimal(0)) / (MONTH - 1)).quantize(Decimal(1)) if MONTH > 1 else Decimal(50)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _session_cookie(user) -> str:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def _hammer(port: int, path: str, cookie: str, users: int, seconds: float, fresh: bool = False) -> tuple[int, int]:
    """Requests completed and failed by `users` threads in `seconds`; `fresh`: every request carries a new
    query parameter, so every one misses the page cache and recomputes."""
    done, errors = [0], [0]
    counter = iter(range(10**9))
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def user_loop():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < deadline:
            try:
                url = f"{path}&fresh={next(counter)}" if fresh else path
                conn.request("GET", url, headers={"Cookie": f"sessionid={cookie}"})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            with lock:
                done[0] += ok
                errors[0] += not ok

    threads = [threading.Thread(target=user_loop) for _ in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done[0], errors[0]


def throughput(ctx: Context, *, users: int, seconds: float):
    """Overview requests per second under gunicorn (2 workers × 4 threads) against a trivial view."""
    port = _free_port()
    env = {**os.environ, "DJANGO_ALLOWED_HOSTS": "127.0.0.1"}
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "skills_admin.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        if not _wait_for(port):
            return None
        cookie = _session_cookie(ctx.user)
        path = f"/reports/?plan={ctx.plan.slug}&year={YEAR}&month={MONTH}"
        fresh, fresh_errors = _hammer(port, path, cookie, users, seconds, fresh=True)
        cached, errors = _hammer(port, path, cookie, users, seconds)
        trivial, trivial_errors = _hammer(port, "/healthz", cookie, users, seconds)
        return fresh / seconds, cached / seconds, trivial / seconds, errors + fresh_errors + trivial_errors
    finally:
        server.terminate()
        server.wait(timeout=20)


def _wait_for(port: int) -> bool:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False
