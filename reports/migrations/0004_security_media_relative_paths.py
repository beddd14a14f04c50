"""Stored file paths become names relative to MEDIA_ROOT (issue 21, finding 2).

A path inside MEDIA_ROOT keeps its tail; a path from another machine's media folder (a restored backup) keeps
what follows its `circulars/` or `notices/` folder; anything else is cleared (the download then answers 404 and the
file can be generated again).
"""

from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import migrations

FOLDERS = ("circulars", "notices")


def relative_name(value: str) -> str:
    if value in (None, ""):
        return value
    path = PurePosixPath(value.replace("\\", "/"))
    if not path.is_absolute() and ".." not in path.parts:
        return path.as_posix()
    if path.is_absolute():
        try:
            return Path(value).resolve().relative_to(Path(settings.MEDIA_ROOT).resolve()).as_posix()
        except ValueError:
            pass
    parts = path.parts
    for i, part in enumerate(parts):
        if part in FOLDERS and ".." not in parts[i:]:
            return PurePosixPath(*parts[i:]).as_posix()
    return ""


def forwards(apps, schema_editor):
    for model, fields in (("Circular", ("xlsx_path", "docx_path", "pdf_path")), ("Notice", ("docx_path", "pdf_path"))):
        Model = apps.get_model("reports", model)
        for row in Model.objects.only("pk", *fields).iterator():
            changed = {f: relative_name(getattr(row, f)) for f in fields}
            if any(changed[f] != getattr(row, f) for f in fields):
                Model.objects.filter(pk=row.pk).update(**changed)


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_admin_circular_style_is_demo")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
