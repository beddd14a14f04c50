"""Today's date for everything that judges reporting windows: the calendar, or the demo's 演示日期.

The demo's plans run in 2022 and 2023. So that their open month is open *now*, a demo install sets
`DEMO_DATE` (bin/serve does): reporting windows, home pages, reminders, circulars and 督办 escalation then
judge as of that day, and every page says so in a labelled banner. Production refuses a demo date.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone


def demo_date() -> dt.date | None:
    return getattr(settings, "DEMO_DATE", None)


def today() -> dt.date:
    """The day reporting is judged as of: the demo date when one is set, else the local calendar day."""
    return demo_date() or timezone.localdate()


def now() -> dt.datetime:
    """`timezone.now()` moved onto the demo date (same time of day) when one is set."""
    current = timezone.now()
    demo = demo_date()
    if demo is None:
        return current
    local = timezone.localtime(current)
    return local + (demo - local.date())
