"""File responses whose Chinese names arrive intact in every browser (RFC 6266 / RFC 5987), and the one way a
stored file name becomes a file: generated files are stored by their name relative to MEDIA_ROOT, and a name that
resolves outside MEDIA_ROOT (`/etc/passwd`, `../../`, a symlink out) is never opened."""

import re
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse

CONTENT_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
    ".csv": "text/csv; charset=utf-8",
}


def content_disposition(filename: str, ascii_name: str = "") -> str:
    """The Chinese name for browsers that read filename*, and `ascii_name` (e.g. “liaoning-2022_210200_2022-01-10_
    ranking.xlsx”) for those that do not: the Chinese stripped to its ASCII leftovers (“20221111.docx”) meant
    nothing."""
    stem, dot, suffix = (ascii_name or filename).rpartition(".")
    if not ascii_name:  # what is left of a Chinese name: keep it only if it still has a word in it
        stem = stem.encode("ascii", "ignore").decode()
        stem = stem if re.search(r"[A-Za-z]{2}", stem) else "download"
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("_") or "download"
    ascii_fallback = f"{stem}{dot}{re.sub(r'[^A-Za-z0-9]', '', suffix)}" if dot else stem
    return f"attachment; filename=\"{ascii_fallback}\"; filename*=UTF-8''{quote(filename)}"


def attachment(data: bytes, filename: str, ascii_name: str = "") -> HttpResponse:
    suffix = filename[filename.rfind(".") :].lower()
    response = HttpResponse(data, content_type=CONTENT_TYPES.get(suffix, "application/octet-stream"))
    response["Content-Disposition"] = content_disposition(filename, ascii_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT).resolve()


def media_name(path: Path) -> str:
    """The name to store for a file written under MEDIA_ROOT (relative, with forward slashes)."""
    return Path(path).resolve().relative_to(media_root()).as_posix()


def media_file(name: str) -> Path | None:
    """The existing file a stored name points to, or None when it is missing or resolves outside MEDIA_ROOT."""
    if name in (None, "") or "\x00" in name:
        return None
    root = media_root()
    path = (root / name).resolve()
    if not path.is_relative_to(root) or path == root or not path.is_file():
        return None
    return path
