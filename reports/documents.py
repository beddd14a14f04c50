"""Documents the product issues (circulars, follow-up notices): their numbers and their files."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> Path:
    """Write to a temporary name in the same folder, then rename: a half-written file is never served."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def document_number_take(*, prefix: str, year: int, subject: str) -> str:
    """The number of `subject` in the issuer's sequence for `year`: the one it was given, or the next free one.

    Numbers are never reused: the unique constraint on (prefix, year, number) turns a race into a retry.
    """
    from django.db import IntegrityError, transaction
    from django.db.models import Max

    from reports.models import DocumentNumber

    for _ in range(5):
        existing = DocumentNumber.objects.filter(prefix=prefix, subject=subject).first()
        if existing is not None:
            return str(existing)
        latest = DocumentNumber.objects.filter(prefix=prefix, year=year).aggregate(n=Max("number"))["n"] or 0
        try:
            with transaction.atomic():
                return str(DocumentNumber.objects.create(prefix=prefix, year=year, number=latest + 1, subject=subject))
        except IntegrityError:
            continue
    raise RuntimeError(f"could not take a document number for {subject}")
