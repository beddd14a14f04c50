"""Finding 9 of issue 21: the PDF printer runs no script, reads no local file and fetches nothing, whatever the
content; template escaping stays the first defence."""

import base64
import datetime as dt
import re
import struct
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.template.loader import render_to_string

from reports.pdf import chromium_binary, html_to_pdf
from reports.word import NoticeLine, NoticeText

needs_chromium = pytest.mark.skipif(chromium_binary() is None, reason="chromium is not installed")


def red_pixel_png() -> bytes:
    """A 1 × 1 PNG (no imaging library needed): in a PDF it shows as an image of /Width 1."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def holds_the_pixel(pdf: bytes) -> bool:
    return re.search(rb"/Width 1\b", pdf) is not None  # a refused image is Chromium's 14 × 16 broken-image icon


PIXEL = "data:image/png;base64," + base64.b64encode(red_pixel_png()).decode()


@needs_chromium
def test_an_inline_image_is_printed_so_the_checks_below_can_see_one():
    assert holds_the_pixel(html_to_pdf(f'<p>对照</p><img src="{PIXEL}" width="40" height="40">'))


@needs_chromium
def test_a_script_in_the_content_does_not_run():
    script = f"<script>document.getElementById('p').innerHTML = '<img src=\"{PIXEL}\" width=40 height=40>';</script>"
    pdf = html_to_pdf(f'<p id="p">正文</p>{script}')
    assert pdf.startswith(b"%PDF") and not holds_the_pixel(pdf)


@needs_chromium
def test_a_local_file_is_not_rendered_into_the_pdf(tmp_path):
    image = tmp_path / "pixel.png"
    image.write_bytes(base64.b64decode(PIXEL.split(",", 1)[1]))
    pdf = html_to_pdf(
        f'<p>正文</p><img src="{image.as_uri()}" width="40" height="40"><iframe src="file:///etc/passwd">'
    )
    assert not holds_the_pixel(pdf)


@needs_chromium
def test_no_http_url_is_fetched():
    fetched = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            fetched.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    refused = []
    try:
        html_to_pdf(
            f'<link rel="stylesheet" href="{base}/style.css"><p>正文</p><img src="{base}/secret.png">'
            f'<iframe src="{base}/admin/"></iframe>',
            refused=refused,
        )
    finally:
        server.shutdown()
        server.server_close()
    assert fetched == []  # the page's policy stops them; a request that slipped through would be in `refused`
    assert set(refused) <= {f"{base}/style.css", f"{base}/secret.png", f"{base}/admin/"}


def test_the_print_templates_escape_what_users_wrote():
    text = NoticeText(
        masthead="辽宁省人力资源和社会保障厅",
        number="辽人社督〔2024〕1号",
        colour_label="黄",
        addressee="沈阳市人力资源和社会保障局",
        items=(NoticeLine("<script>alert(1)</script>", "黄", '<img src="file:///etc/passwd">'),),
        period="2024年1—6月",
        requirement="按时反馈",
        answer_due=dt.date(2024, 7, 30),
        issue_date=dt.date(2024, 7, 20),
    )
    html = render_to_string("reports/notice_print.html", {"n": text, "issue_date": "", "answer_due": ""})
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert '<img src="file' not in html
