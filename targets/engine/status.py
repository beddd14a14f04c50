"""Where a target stands (Status) and how every page and file presents it."""

from __future__ import annotations

import enum


class Status(enum.StrEnum):
    """Where a target stands. Everything that shows a status reads its presentation from here: `label` (what
    people read), `css` (the Bootstrap colour on pages), `colour` (the family used in files: green, blue, amber,
    red, grey), `fill` (its hex shade in Word and Excel), `chart` (the bar colour), `hatch` (the Plotly pattern,
    readable without colour) and `mark` (a printable sign)."""

    DONE = "done"
    ON_TRACK = "on_track"
    LAGGING = "lagging"
    SEVERE = "severe"
    NOT_REPORTED = "not_reported"
    NOT_TRACKED = "not_tracked"
    NO_TASK = "no_task"
    MILESTONE_DONE = "milestone_done"
    MILESTONE_ON_TIME = "milestone_on_time"
    MILESTONE_OVERDUE = "milestone_overdue"
    MILESTONE_NOT_STARTED = "milestone_not_started"

    @property
    def label(self) -> str:
        return _PRESENTATION[self][0]

    @property
    def severity(self) -> int:
        """0 = nothing to worry about … 3 = needs attention; sort descending to list the worst first."""
        return _PRESENTATION[self][1]

    @property
    def css(self) -> str:
        return _PRESENTATION[self][2]

    @property
    def colour(self) -> str:
        return _CSS_FAMILY[self.css]

    @property
    def fill(self) -> str:
        return _FAMILY_FILL[self.colour]

    @property
    def chart(self) -> str:
        return CSS_CHART[self.css]

    @property
    def hatch(self) -> str:
        return _PRESENTATION[self][3]

    @property
    def mark(self) -> str:
        return _PRESENTATION[self][4]

    @property
    def is_milestone(self) -> bool:
        return self.value.startswith("milestone_")

    @property
    def meets_schedule(self) -> bool:
        """达到序时进度: done, on track, or a milestone done or still on time."""
        return self in _MEETS_SCHEDULE

    @property
    def is_tracked(self) -> bool:
        """Counted in a month's judgement: not 无任务 and not a target nobody reports monthly."""
        return self not in (Status.NO_TASK, Status.NOT_TRACKED)


# status → (label, severity, Bootstrap colour, Plotly hatch, printable mark)
_PRESENTATION = {
    Status.DONE: ("已完成", 0, "success", "", "✔"),
    Status.ON_TRACK: ("正常", 1, "primary", "", ""),
    Status.LAGGING: ("滞后", 2, "warning", "/", "◆"),
    Status.SEVERE: ("严重滞后", 3, "danger", "x", "▲"),
    Status.NOT_REPORTED: ("未报", 3, "secondary", ".", "○"),
    Status.NOT_TRACKED: ("不按月统计", 0, "light", "", ""),
    Status.NO_TASK: ("无任务", 0, "light", "", ""),
    Status.MILESTONE_DONE: ("已完成", 0, "success", "", "✔"),
    Status.MILESTONE_ON_TIME: ("推进中", 1, "primary", "", ""),
    Status.MILESTONE_OVERDUE: ("逾期", 3, "danger", "x", "▲"),
    Status.MILESTONE_NOT_STARTED: ("未启动", 1, "secondary", "", ""),
}
_CSS_FAMILY = {
    "success": "green",
    "primary": "blue",
    "warning": "amber",
    "danger": "red",
    "secondary": "grey",
    "light": "grey",
}
_FAMILY_FILL = {"green": "C6EFCE", "blue": "BDD7EE", "amber": "FFEB9C", "red": "FFC7CE", "grey": "E7E6E6"}
# Bootstrap colours as hex, so that charts, badges and table rows agree.
CSS_CHART = {
    "success": "#198754",
    "primary": "#0d6efd",
    "warning": "#ffc107",
    "danger": "#dc3545",
    "secondary": "#6c757d",
    "light": "#ced4da",
}

_MEETS_SCHEDULE = frozenset({Status.DONE, Status.ON_TRACK, Status.MILESTONE_DONE, Status.MILESTONE_ON_TIME})
