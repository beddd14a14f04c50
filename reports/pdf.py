"""The circular as PDF: an HTML rendering of the same content and layout, printed by headless Chromium.

Why Chromium and not LibreOffice converting the .docx: Chromium is already the browser the test set-up installs
(one binary, no 300 MB office suite), it prints in about a second, and its PDF keeps the text searchable
and copyable with the CJK font (Noto Serif/Sans CJK from fonts-noto-cjk) embedded as subsets. The Word file
names fonts a Linux server does not have (方正小标宋简体, 仿宋_GB2312): LibreOffice would substitute them anyway.
The HTML follows the Word layout: red masthead and rule, number, 主送, body, tables, 落款, 版记, “— N —”.

`circular_html` is pure; `html_to_pdf` prints it in a browser that runs no script and fetches nothing.
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

from reports.circular_content import CircularContent
from reports.circular_layout import CircularLayout, chinese_date
from reports.word import chinese_number
from targets.engine import Status

TIMEOUT_SECONDS = 120
# The page is served from memory at a web origin (never file://: a file page, or about:blank, may load local files).
PRINT_URL = "https://print.invalid/"
# What the page may load: its own inline styles and data: images, nothing else (no file:, no http:, no script).
PRINT_HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:",
}


class PdfUnavailable(Exception):
    """No browser to print with, or it failed: the circular is kept without its PDF."""


def circular_html(content: CircularContent, layout: CircularLayout | None = None) -> str:
    layout = layout or CircularLayout()
    sections = [
        {
            "heading": f"{chinese_number(i)}、{section.title}",
            "paragraphs": section.paragraphs,
            "tables": [
                {
                    "caption": t.caption,
                    "headers": t.headers,
                    "widths": [f"{w / sum(t.widths_cm) * 100:.1f}%" for w in t.widths_cm],
                    "rows": [
                        (texts, Status(status).colour if status else "")
                        for texts, status in zip(t.rows, t.statuses, strict=True)
                    ],
                }
                for t in section.tables
            ],
            "closing": section.closing,
        }
        for i, section in enumerate(content.sections, 1)
    ]
    ctx = {
        "c": content,
        "layout": layout,
        "signer": layout.signer(content),
        "printer": layout.printed_by or layout.signer(content),
        "date": layout.date_text(content),
        "sections": sections,
    }
    return render_to_string("reports/circular_print.html", ctx)


def chromium_binary() -> str | None:
    configured = getattr(settings, "CHROMIUM_BINARY", "")
    if configured:
        return configured if Path(configured).exists() else shutil.which(configured)
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(html: str, *, refused: list[str] | None = None) -> bytes:
    """Print `html` with JavaScript off, from content served by a route handler at a web origin (no file:// page),
    with every request the page would make refused: the templates carry their own styles and use the system's
    CJK fonts, so a print needs nothing from outside. Template escaping stays the first defence; this is the
    second. `refused` collects the URLs that were asked for and refused (tests read it)."""
    binary = chromium_binary()
    if binary is None:
        raise PdfUnavailable("chromium is not installed (bin/setup installs it with fonts-noto-cjk)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        raise PdfUnavailable("playwright is not installed") from exc
    refused = [] if refused is None else refused
    # Playwright's sync API refuses to run in a thread with a running event loop (an async caller, a test that
    # drives a browser itself): the print always gets a thread of its own.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf") as pool:
        return pool.submit(_print, binary, html, refused).result()


def _print(binary: str, html: str, refused: list[str]) -> bytes:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    def serve(route):  # the page itself, from memory; anything else it asks for is refused
        if route.request.url == PRINT_URL:
            route.fulfill(status=200, headers=PRINT_HEADERS, body=html)
        else:
            refused.append(route.request.url)
            route.abort("blockedbyclient")

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=binary, headless=True, args=chromium_args(), timeout=TIMEOUT_SECONDS * 1000
            )
            try:
                context = browser.new_context(
                    java_script_enabled=False, service_workers="block", accept_downloads=False
                )
                context.route("**/*", serve)
                page = context.new_page()
                page.goto(PRINT_URL, wait_until="load", timeout=TIMEOUT_SECONDS * 1000)
                return page.pdf(print_background=True, prefer_css_page_size=True)
            finally:
                browser.close()
    except PlaywrightError as exc:
        raise PdfUnavailable(f"chromium could not print: {exc}") from exc


def chromium_args() -> list[str]:
    """No network stack to reach anything with (a dead proxy for every scheme), no extensions or sync.
    Chromium's own sandbox stays on unless the worker runs as root, where Chromium refuses to start with it
    (docs/production.md: run the worker as an unprivileged user)."""
    args = [
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-extensions",
        "--disable-sync",
        "--disable-background-networking",
        "--no-first-run",
        "--proxy-server=http://127.0.0.1:9",
        "--proxy-bypass-list=<-loopback>",
    ]
    if os.geteuid() == 0:
        args.append("--no-sandbox")
    return args


def build_circular_pdf(content: CircularContent, layout: CircularLayout | None = None) -> bytes:
    return html_to_pdf(circular_html(content, layout))


def build_notice_pdf(notice) -> bytes:
    """A 督办单 (`reports.word.NoticeText`) as PDF, laid out like its Word file."""
    ctx = {"n": notice, "issue_date": chinese_date(notice.issue_date), "answer_due": chinese_date(notice.answer_due)}
    return html_to_pdf(render_to_string("reports/notice_print.html", ctx))
