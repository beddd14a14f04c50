"""佐证材料: the files a region sends with its answer to a notice.

A file is accepted when its content is one of the kinds below (the name's extension must agree), within the size
limit; it is stored under MEDIA_ROOT by a generated name and served only through `attachment_path`, which refuses
anything that resolves outside the media root.
"""

from __future__ import annotations

import uuid
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

from reports.models import Notice, NoticeAttachment

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
# kind → (label, extensions the name may carry)
KINDS = {
    "pdf": ("PDF", (".pdf",)),
    "png": ("图片", (".png",)),
    "jpg": ("图片", (".jpg", ".jpeg")),
    "docx": ("Word", (".docx",)),
    "xlsx": ("Excel", (".xlsx",)),
    "doc": ("Word", (".doc",)),
    "xls": ("Excel", (".xls",)),
}
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ACCEPT = ",".join(ext for _, exts in KINDS.values() for ext in exts)


def sniff(head: bytes, upload) -> str | None:
    """The kind of a file judged by its content (the first bytes, and a zip's part names); None if unknown."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(OLE):
        return "doc" if Path(upload.name).suffix.lower() == ".doc" else "xls"
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(upload)
    return None


def _office_kind(upload) -> str | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist()[:2000])
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def check_upload(upload) -> str:
    """The kind of an uploaded file, or a ValidationError saying in Chinese why it is refused."""
    name = upload.name or ""
    if upload.size > MAX_BYTES:
        raise ValidationError(f"“{name}”超过{MAX_BYTES // 1024 // 1024}MB，请压缩后上传")
    if upload.size == 0:
        raise ValidationError(f"“{name}”是空文件")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head, upload)
    if kind is None or Path(name).suffix.lower() not in KINDS[kind][1]:
        raise ValidationError(f"“{name}”不是允许的文件类型（PDF、图片、Word、Excel），或扩展名与内容不符")
    return kind


def attachment_store(*, notice: Notice, upload, user) -> NoticeAttachment:
    """Write a checked upload under MEDIA_ROOT by a generated name and record it."""
    kind = check_upload(upload)
    ext = Path(upload.name).suffix.lower()
    relative = Path("notices") / "evidence" / str(notice.pk) / f"{uuid.uuid4().hex}{ext}"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "xb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return NoticeAttachment.objects.create(
        notice=notice,
        stored_name=str(relative),
        original_name=Path(upload.name).name[:200],
        kind=kind,
        size=upload.size,
        uploaded_by=user,
    )


def attachment_path(attachment: NoticeAttachment) -> Path:
    """The stored file, refused (FileNotFoundError) if it resolves outside MEDIA_ROOT or is missing."""
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / attachment.stored_name).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise FileNotFoundError(attachment.stored_name)
    return path
