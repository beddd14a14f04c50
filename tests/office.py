"""Open files as an office suite does: LibreOffice headless converts them and we read what it made.

LibreOffice is a Debian package (`apt-get install -y --no-install-recommends libreoffice-calc
libreoffice-writer`). Tests that need it skip with that reason when it is absent, except in CI, where they fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

# How a Chinese-locale user opens a CSV: UTF-8, comma, zh-CN (2052), special numbers (dates) detected, formulas
# evaluated: the import that turns “1-1” into 1月1日 as Excel and WPS do.
CSV_AS_OPENED_IN_CHINA = "CSV:44,34,76,1,,2052,false,true,false,false,false,-1,true"


def soffice() -> str:
    found = shutil.which("soffice")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("LibreOffice (soffice) is required in CI")
    pytest.skip("LibreOffice (soffice) not installed: apt-get install libreoffice-calc libreoffice-writer")


def convert(source: Path, to: str, *, infilter: str | None = None) -> Path:
    """`source` converted by LibreOffice to `to` (e.g. "xlsx", "csv", "pdf"), in a fresh profile beside it."""
    binary = soffice()
    outdir = source.parent / f"out-{to.split(':')[0]}"
    command = [binary, "--headless", f"-env:UserInstallation=file://{source.parent}/lo-profile"]
    if infilter:
        command.append(f"--infilter={infilter}")
    command += ["--convert-to", to, "--outdir", str(outdir), str(source)]
    subprocess.run(command, check=True, capture_output=True, timeout=180)
    made = outdir / f"{source.stem}.{to.split(':')[0]}"
    assert made.exists(), f"LibreOffice made nothing from {source.name}"
    return made
