"""Benchmarks, printed as ratios against a baseline measured side by side on the same data.

    .venv/bin/python benchmarks/run.py                      # province scale on SQLite (var/bench.sqlite3)
    DATABASE_URL=postgres://postgres@127.0.0.1/bench .venv/bin/python benchmarks/run.py --scale national
    .venv/bin/python benchmarks/run.py --only overview,grid

Synthetic data (合成数据) comes from `generate_load`; it is generated once per database and reused.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skills_admin.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from benchmarks import scenarios  # noqa: E402

RESULTS: list[tuple[str, str, str, str, str, str]] = []
SCALE = "province"

# The issue's table (#23): per measure, the goal and what the issue measured before this work ("now" there),
# printed beside this run's figure. Keys are (scale, measure).
ISSUE = {
    ("province", "recomputed"): ("≤ 2× raw GROUP BY", "2.7–3.6×"),
    ("province", "throughput fresh"): ("≥ 0.25× trivial view", "0.01×"),
    ("province", "throughput cached"): ("—", "0.14×"),
    ("province", "grid save"): ("< 100 ms", "119–131 ms"),
    ("province", "grid request"): ("—", "~166 ms CPU"),
    ("province", "circular"): ("< 1 s", "1.4–2.0 s"),
    ("national", "recomputed"): ("≤ 100 ms", "202–309 ms"),
    ("national", "trend recomputed"): ("≤ 100 ms", "470 ms"),
    ("national", "cached"): ("≤ 20 ms", "10–17 ms"),
    ("national", "grid save"): ("< 100 ms", "110 ms"),
    ("national", "grid request"): ("—", "—"),
    ("national", "circular"): ("—", "4.4 s"),
}


def timed(fn, repeat: int = 7) -> float:
    """Median wall time of `fn` in milliseconds (after one warm-up call)."""
    fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def timed_after(prepare, fn, repeat: int = 5) -> float:
    """Median wall time of `fn` alone, each call preceded by an untimed `prepare()`."""
    samples = []
    for _ in range(repeat):
        prepare()
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def paired(fn, baseline, *, prepare=None, repeat: int = 7) -> tuple[float, float]:
    """Median wall times (ms) of `fn` and of `baseline`, sampled alternately so that both see the same load
    on a shared machine; `prepare()` (untimed) runs before each `fn()`."""
    fn(), baseline()
    ours, base = [], []
    for _ in range(repeat):
        if prepare:
            prepare()
        started = time.perf_counter()
        fn()
        ours.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        baseline()
        base.append((time.perf_counter() - started) * 1000)
    return statistics.median(ours), statistics.median(base)


def report(name: str, ours_ms: float, baseline_name: str, baseline_ms: float | None, key: str = "") -> None:
    ratio = f"{ours_ms / baseline_ms:.2f}×" if baseline_ms else "—"
    base = f"{baseline_ms:.1f} ms ({baseline_name})" if baseline_ms else baseline_name
    goal, before = ISSUE.get((SCALE, key), ("", ""))
    RESULTS.append((name, f"{ours_ms:.1f} ms", base, ratio, goal, before))
    print(f"  {name:<44} {ours_ms:>9.1f} ms   baseline {base:<48} ratio {ratio}", flush=True)


def bench_overview(ctx) -> None:
    queries = CaptureQueriesContext(connection)
    with queries:
        ctx.progress()
    report(
        f"progress engine ({len(queries)} queries)", timed(ctx.progress), "raw SQL GROUP BY", timed(ctx.raw_group_by)
    )
    report(
        "overview page, server time (cached body)",
        timed(ctx.overview_page, repeat=7),
        "raw SQL GROUP BY",
        timed(ctx.raw_group_by),
    )
    ours, base = paired(ctx.overview_page, ctx.raw_group_by, prepare=ctx.touch, repeat=9)
    report("overview page right after a save (recomputed)", ours, "raw SQL GROUP BY", base, "recomputed")
    report("progress engine, full pass", timed(ctx.progress), "raw SQL GROUP BY", timed(ctx.raw_group_by))
    ctx.shared()
    report(
        "shared report after a save (the saving peer re-read)",
        timed_after(ctx.touch, ctx.shared, repeat=7),
        "progress engine, full pass",
        timed(ctx.progress),
    )
    report("shared report, current (no query)", timed(ctx.shared), "progress engine, full pass", timed(ctx.progress))
    sizes = ctx.report_pickle_sizes()
    print(f"  shared report pickled (what Redis stores): {', '.join(sizes)}", flush=True)
    fresh = ctx.freshness()
    print(f"  a figure saved shows on the next request: {fresh}", flush=True)


def bench_pages(ctx) -> None:
    """Every dashboard right after a save (the page the month-end rush gets) and from the cache, each beside
    the raw GROUP BY sampled alternately with it."""
    for name in ctx.page_paths():
        page = lambda name=name: ctx.page(name)  # noqa: E731
        ours, base = paired(page, ctx.raw_group_by, prepare=ctx.touch)
        key = {"overview": "recomputed", "trend": "trend recomputed"}.get(name, "")
        report(f"{name}, recomputed right after a save", ours, "raw SQL GROUP BY", base, key)
        ours, base = paired(page, ctx.raw_group_by)
        report(f"{name}, cached", ours, "raw SQL GROUP BY", base, "cached" if name == "overview" else "")
        size = len(page().content)
        print(f"    {name}: first response {size / 1000:.0f} kB", flush=True)


def bench_grid(ctx) -> None:
    report(f"grid save, {ctx.grid_rows()} targets, audited", timed(ctx.grid_save), "target", 100.0, "grid save")
    cpus = []
    for _ in range(7):
        cpu = time.process_time()
        ctx.grid_save()
        cpus.append((time.process_time() - cpu) * 1000)
    report("grid save: CPU of this process (the database's own included on SQLite)", statistics.median(cpus), "", None)
    ctx.grid_request()  # warm-up: templates compiled, the client logged in
    walls, cpus, server, counts = [], [], [], None
    for _ in range(7):
        started, cpu = time.perf_counter(), time.process_time()
        counts = ctx.grid_request()
        walls.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        server.append(cpus[-1] - ctx.client_cpu * 1000)
    get_queries, post_queries, changed = counts
    report(
        f"grid GET+POST, {changed} rows changed: wall ({get_queries}+{post_queries} queries)",
        statistics.median(walls),
        "target",
        1000.0,
    )
    report("grid GET+POST: CPU of this process", statistics.median(cpus), "issue's ~166 ms CPU", 166.0, "grid request")
    report("grid GET+POST: server's CPU (the client's HTML parsing taken out)", statistics.median(server), "", None)


def bench_upload(ctx) -> None:
    rows, data = ctx.upload_file()
    report(f"Excel upload, {rows} figures, all-or-nothing", timed(lambda: ctx.upload(data), repeat=3), "target", 5000.0)


def bench_circular(ctx) -> None:
    ms = timed(ctx.circular, repeat=3)  # timed without tracemalloc, which slows Python down 2–3×
    tracemalloc.start()
    ctx.circular()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    report(f"circular xlsx+docx (peak {peak / 1e6:.1f} MB)", ms, "target", 1000.0, "circular")


def bench_throughput(ctx) -> None:
    result = scenarios.throughput(ctx, users=50, seconds=8)
    if result is None:
        print("  throughput: skipped (gunicorn did not start)")
        return
    fresh_rps, cached_rps, trivial_rps, errors = result
    for label, rps, key in (
        ("fresh cache key per request", fresh_rps, "throughput fresh"),
        ("cached", cached_rps, "throughput cached"),
    ):
        name = f"overview req/s under gunicorn, 50 users, {label}"
        goal, before = ISSUE.get((SCALE, key), ("", ""))
        ratio = f"{rps / trivial_rps:.2f}×"
        RESULTS.append((name, f"{rps:.0f}/s", f"{trivial_rps:.0f}/s (/healthz)", ratio, goal, before))
        print(f"  {name}: {rps:.0f} req/s; trivial view {trivial_rps:.0f} req/s; ratio {rps / trivial_rps:.2f}×")
    print(f"  errors: {errors}", flush=True)


def bench_reader(ctx) -> None:
    """The plan reader (issue #19) over the whole labelled corpus, each statement read with its document as the
    full-text import reads it, caches emptied before every pass; beside it, the same text only normalised."""
    from plans import reading, role_model, roles
    from tests.plans.corpus_score import _read_by_document, statements

    items = statements("dev") + statements("test")
    role_model.stored_model()

    def cold() -> None:
        for cached in (reading.prepared, reading._read_targets, reading._policy_parameters, roles._quantity_text):
            cached.cache_clear()

    def normalised() -> None:
        cold()
        for item in items:
            reading.prepared(item["text"])

    ours, base = paired(lambda: _read_by_document(items), normalised, prepare=cold, repeat=5)
    report(f"reader: whole corpus, {len(items)} statements", ours, "text normalised only", base)
    report(f"reader: whole corpus, {len(items)} statements", ours, "target", 1000.0)


BENCHES = {
    "reader": bench_reader,
    "overview": bench_overview,
    "pages": bench_pages,
    "grid": bench_grid,
    "upload": bench_upload,
    "circular": bench_circular,
    "throughput": bench_throughput,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="province", choices=["province", "national", "tiny"])
    parser.add_argument("--only", default=",".join(BENCHES))
    parser.add_argument("--repeat", type=int, default=1, help="run the whole set this many times")
    args = parser.parse_args()
    global SCALE
    SCALE = args.scale
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} · scale: {args.scale}", flush=True)
    ctx = scenarios.Context.prepare(args.scale)
    print(f"data: {ctx.describe()}", flush=True)
    print(f"load average before: {os.getloadavg()[0]:.1f} (the machine is shared: figures are noisy)", flush=True)
    for run in range(args.repeat):
        if args.repeat > 1:
            print(f"--- run {run + 1} of {args.repeat}", flush=True)
        for name in args.only.split(","):
            BENCHES[name](ctx)
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    print("\n| benchmark | this run | baseline | ratio | goal (#23) | #23 measured before |")
    print("|---|---|---|---|---|---|")
    for row in RESULTS:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
