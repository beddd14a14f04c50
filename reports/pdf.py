"""The circular as PDF: an HTML rendering of the same content and layout, printed by headless Chromium.

Why Chromium and not LibreOffice converting the .docx: Chromium is already the browser the test set-up installs
(one binary, no 300 MB office suite), it prints in about a second, and its PDF keeps the text searchable
and copyable with the CJK font (Noto Serif/Sans CJK from fonts-noto-cjk) embedded as subsets. The Word file
names fonts a Linux server does not have (方正小标宋简体, 仿宋_GB2312): LibreOffice would substitute them anyway.
The HTML follows the Word layout: red masthead and rule, number, 主送, body, tables, 落款, 版记, “— N —”.

`circular_html` is pure; `html_to_pdf` runs the browser in a temporary folder with its own profile.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

from reports.circular_content import CircularContent
from reports.circular_layout import CircularLayout, chinese_date
from reports.word import chinese_number
from targets.progress import Status

TIMEOUT_SECONDS = 120


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


def html_to_pdf(html: str) -> bytes:
    binary = chromium_binary()
    if binary is None:
        raise PdfUnavailable("chromium is not installed (bin/setup installs it with fonts-noto-cjk)")
    with tempfile.TemporaryDirectory(prefix="circular-pdf-") as folder:
        source, target = Path(folder) / "circular.html", Path(folder) / "circular.pdf"
        source.write_text(html, encoding="utf-8")
        command = [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-pdf-header-footer",
            f"--user-data-dir={Path(folder) / 'profile'}",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        try:
            subprocess.run(command, check=True, timeout=TIMEOUT_SECONDS, capture_output=True)
        except (subprocess.SubprocessError, OSError) as exc:
            raise PdfUnavailable(f"chromium could not print the circular: {exc}") from exc
        if not target.exists():
            raise PdfUnavailable("chromium wrote no PDF")
        return target.read_bytes()


def build_circular_pdf(content: CircularContent, layout: CircularLayout | None = None) -> bytes:
    return html_to_pdf(circular_html(content, layout))


def build_notice_pdf(notice) -> bytes:
    """A 督办单 (`reports.word.NoticeText`) as PDF, laid out like its Word file."""
    ctx = {"n": notice, "issue_date": chinese_date(notice.issue_date), "answer_due": chinese_date(notice.answer_due)}
    return html_to_pdf(render_to_string("reports/notice_print.html", ctx))
