"""File responses whose Chinese names arrive intact in every browser (RFC 6266 / RFC 5987)."""

from urllib.parse import quote

from django.http import HttpResponse

CONTENT_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
    ".csv": "text/csv; charset=utf-8",
}


def content_disposition(filename: str) -> str:
    ascii_fallback = filename.encode("ascii", "ignore").decode() or "download"
    ascii_fallback = ascii_fallback.replace('"', "").replace("\\", "")
    return f"attachment; filename=\"{ascii_fallback}\"; filename*=UTF-8''{quote(filename)}"


def attachment(data: bytes, filename: str) -> HttpResponse:
    suffix = filename[filename.rfind(".") :].lower()
    response = HttpResponse(data, content_type=CONTENT_TYPES.get(suffix, "application/octet-stream"))
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
