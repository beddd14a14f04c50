"""django-tables2 tables for the dashboards, over the engine's rows (`ProgressRow`, read by attribute) and the plain
dict rows of `reports/queries.py` (trend points, key tasks, the heat map's rows).

Columns format for the page (“3.2万”, “64.0%”, “+14.0”, a status badge) and give raw values for exports
(`value()`): numbers stay numbers in xlsx and csv, percentages as percent numbers rounded to 0.1. No
render method touches the database. `export_xlsx` / `export_csv` turn any of these tables into bytes.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import django_tables2 as tables
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from openpyxl import Workbook
from openpyxl.styles import Font

from reports.charts import rank_change_text
from skills_admin.lib.xlsx import safe_text
from targets.formatting import format_number, format_percent, format_points

DASH = "—"
ATTRS = {"class": "table table-sm table-striped table-hover align-middle small"}
ONE_DECIMAL = Decimal("0.1")
INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def field(record, name: str, default=None):
    """A column's value of one record: the engine's rows (ProgressRow) are read by attribute, the page's own
    plain rows (trend points, key tasks, heat-map rows) by key."""
    if isinstance(record, dict):
        return record.get(name, default)
    return getattr(record, name, default)


def _rounded(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(ONE_DECIMAL)


class AmountColumn(tables.Column):
    """A quantity written with 万/亿 on the page and as the plain number in exports."""

    attrs = {"td": {"class": "num"}, "th": {"class": "num"}}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", self.attrs)
        super().__init__(*args, **kwargs)

    def render(self, value, record):
        return format_number(value, field(record, "unit", ""))

    def value(self, value, record):
        return value


class PercentColumn(AmountColumn):
    export_suffix = "(%)"

    def render(self, value, record):
        return format_percent(value)

    def value(self, value, record):
        return _rounded(value)


class PointsColumn(PercentColumn):
    export_suffix = "(百分点)"

    def render(self, value, record):
        return format_points(value)


class StatusColumn(tables.Column):
    """The status as a badge with a marker shape and its Chinese label: colour never carries it alone."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("verbose_name", "状态")
        kwargs.setdefault("accessor", "status_label")
        kwargs.setdefault("order_by", ("severity", "status_label"))
        super().__init__(*args, **kwargs)

    def render(self, value, record):
        return format_html(
            '<span class="badge status-badge {} text-bg-{}">{}</span>',
            field(record, "status", ""),
            field(record, "status_css", "secondary"),
            value,
        )

    def value(self, value, record):
        return value


class RankChangeColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("verbose_name", "位次变化")
        kwargs.setdefault("accessor", "rank_change")
        kwargs.setdefault("attrs", {"td": {"class": "num"}})
        super().__init__(*args, **kwargs)

    def render(self, value, record):
        return rank_change_text(value)

    def value(self, value, record):
        return rank_change_text(value)


class BaseTable(tables.Table):
    """Bootstrap look, “—” for missing values. (Set here: a subclass without its own Meta inherits none.)"""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", ATTRS)
        kwargs.setdefault("template_name", "django_tables2/bootstrap5-responsive.html")
        kwargs.setdefault("default", DASH)
        kwargs.setdefault("empty_text", "暂无数据")
        super().__init__(*args, **kwargs)


class TargetProgressTable(BaseTable):
    """Targets over the whole selected region (overview, departments)."""

    code = tables.Column("序号")
    name = tables.Column("指标")
    unit = tables.Column("单位", accessor="unit_label")
    target_value = AmountColumn("目标")
    this_month = AmountColumn("本月")
    cumulative = AmountColumn("累计")
    completion_rate = PercentColumn("完成率")
    schedule_rate = PercentColumn("序时进度")
    schedule_gap = PointsColumn("序时差")
    status = StatusColumn()
    explanation = tables.Column("说明", orderable=False)


class DepartmentTable(TargetProgressTable):
    department = tables.Column("牵头单位")

    class Meta:
        sequence = ("department", "...")


class RegionCellTable(BaseTable):
    """Region × target cells (the lagging list)."""

    region_name = tables.Column("地区")
    code = tables.Column("序号")
    name = tables.Column("指标")
    unit = tables.Column("单位")
    target_value = AmountColumn("目标")
    cumulative = AmountColumn("累计")
    completion_rate = PercentColumn("完成率")
    schedule_rate = PercentColumn("序时进度")
    schedule_gap = PointsColumn("序时差")
    rank = tables.Column("排名", attrs={"td": {"class": "num"}})
    status = StatusColumn()


class RankingTable(BaseTable):
    rank = tables.Column("排名", attrs={"td": {"class": "num"}})
    rank_change = RankChangeColumn()
    region_name = tables.Column("地区")
    target_value = AmountColumn("目标")
    this_month = AmountColumn("本月")
    cumulative = AmountColumn("累计")
    completion_rate = PercentColumn("完成率")
    schedule_rate = PercentColumn("序时进度")
    schedule_gap = PointsColumn("序时差")
    status = StatusColumn()
    remark = tables.Column("备注", orderable=False)

    class Meta:
        row_attrs = {"class": lambda record: "table-primary fw-bold" if record.is_self else ""}


class TrendTable(BaseTable):
    label = tables.Column("月份", order_by=("month",))
    this_month = AmountColumn("本月完成")
    cumulative = AmountColumn("累计完成")
    schedule_target = AmountColumn("序时目标")
    completion_rate = PercentColumn("完成率")
    schedule_rate = PercentColumn("序时进度")
    schedule_gap = PointsColumn("序时差")
    status = StatusColumn()


class PeersColumn(tables.Column):
    """Top, bottom and neighbours in the ranking: “1.沈阳 85.0% … 4.大连 70.1%”."""

    def render(self, value, record):
        return format_html_join(" ", '{}<span class="{}">{}.{} {}</span>', self._parts(value))

    def value(self, value, record):
        return " ".join(
            f"{'… ' if p['gap_before'] else ''}{p['rank']}.{p['region_name']} {format_percent(p['completion_rate'])}"
            for p in value
        )

    @staticmethod
    def _parts(peers):
        for p in peers:
            yield (
                "… " if p["gap_before"] else "",
                "fw-bold text-decoration-underline" if p["is_self"] else "text-muted",
                p["rank"],
                p["region_name"],
                format_percent(p["completion_rate"]),
            )


class MyRegionTable(BaseTable):
    code = tables.Column("序号")
    name = tables.Column("指标")
    unit = tables.Column("单位")
    target_value = AmountColumn("目标")
    this_month = AmountColumn("本月")
    cumulative = AmountColumn("累计")
    completion_rate = PercentColumn("完成率")
    schedule_gap = PointsColumn("序时差")
    status = StatusColumn()
    rank = tables.Column("排名", attrs={"td": {"class": "num"}})
    rank_change = RankChangeColumn()
    peers = PeersColumn("同级对比", orderable=False)


class KeyTaskTable(BaseTable):
    number = tables.Column("序号")
    title = tables.Column("重点任务")
    deadline_text = tables.Column("完成时限", orderable=False)
    due_dates = tables.Column("到期日")
    state = tables.Column("状态")
    target_count = tables.Column("目标数", attrs={"td": {"class": "num"}})

    def render_state(self, value, record):
        return format_html('<span class="badge text-bg-{}">{}</span>', record["state_css"], value)

    def value_state(self, value):
        return value


class DatedTargetTable(BaseTable):
    code = tables.Column("序号")
    name = tables.Column("指标")
    kind_label = tables.Column("类型")
    due = tables.Column("完成时限")
    completion_rate = PercentColumn("完成率")
    status = StatusColumn()
    remark = tables.Column("备注", orderable=False)


class GapCellColumn(tables.Column):
    """One region's cell in the heat-map table: 序时差 and the status in words."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("attrs", {"td": {"class": "num"}, "th": {"class": "num"}})
        kwargs.setdefault("default", "无任务")
        super().__init__(*args, **kwargs)

    def render(self, value, record):
        gap = value.schedule_gap
        text = value.status_label if gap is None else f"{format_points(gap)} {value.status_label}"
        return format_html('<span class="status-{}">{}</span>', value.status, text)

    def value(self, value, record):
        return _rounded(value.schedule_gap) if value.schedule_gap is not None else value.status_label


class MatrixTable(BaseTable):
    code = tables.Column("序号", orderable=False, attrs={"td": {"class": "text-nowrap"}})
    name = tables.Column("指标", orderable=False, attrs={"td": {"style": "min-width: 14rem"}})


def matrix_table(rows: list[dict], regions: list[dict], **kwargs) -> MatrixTable:
    extra = [(f"r{r['id']}", GapCellColumn(verbose_name=r["name"], accessor=f"r{r['id']}")) for r in regions]
    return MatrixTable(rows, extra_columns=extra, **kwargs)


# --- Exports ----------------------------------------------------------------------------------------------


def export_values(table: tables.Table) -> list[list]:
    """Header and rows with raw values (numbers stay numbers); percent columns say so in the header."""
    columns = [c for c in table.columns.iterall() if not c.column.exclude_from_export]
    header = [f"{c.header}{getattr(c.column, 'export_suffix', '')}" for c in columns]
    body = [[row.get_cell_value(c.name) for c in columns] for row in table.rows]
    return [header, *body]


# Text a spreadsheet would take for a date or a number on opening a CSV: 序号 “1-1”, “10-4”, “2/3”.
DATE_LIKE = re.compile(r"\d{1,4}([-/])\d{1,2}(\1\d{1,4})?")


def export_csv(table: tables.Table) -> bytes:
    """UTF-8 with a BOM, so that Excel opens the Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in export_values(table):
        writer.writerow(["" if v is None else csv_text(v) if isinstance(v, str) else v for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def csv_text(value: str) -> str:
    """A text cell of a CSV as Excel, WPS and LibreOffice must show it: never a formula of the user's, and a
    序号 like “1-1” kept as text (a formula of ours, ="1-1", whose only content is digits and a dash), not the
    date 1月1日 that a Chinese-locale spreadsheet makes of it."""
    text = safe_text(value)
    return f'="{text}"' if DATE_LIKE.fullmatch(text) else text


def export_xlsx(table: tables.Table, title: str, heading: str = "") -> bytes:
    """The table as a sheet; `heading` (which plan, region and months) above it, since a file travels alone."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = INVALID_SHEET_CHARS.sub("", title)[:31] or "数据"
    if heading:
        sheet.append([safe_text(heading)])
        sheet["A1"].font = Font(bold=True, size=12)
    first = sheet.max_row + 1 if heading else 1
    for row in export_values(table):
        sheet.append([safe_text(v) if isinstance(v, str) else v for v in row])
    for cell in sheet[first]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = f"A{first + 1}"
    sheet.print_title_rows = f"{first}:{first}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    for column in sheet.iter_cols(min_row=first, max_row=first):
        header = column[0]
        sheet.column_dimensions[header.column_letter].width = 30 if header.value == "指标" else 12
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- Lean HTML ----------------------------------------------------------------------------------------------
# django-tables2 sorts and paginates; these functions write the HTML. Going through its BoundRow / BoundCell
# and the bootstrap template cost ~1 ms per 10 cells (signature inspection and a template node per cell: 55%
# of a recomputed overview under cProfile); here each cell is one call of the column's `render`.


def render_html(table: tables.Table, params) -> str:
    """The table (already configured by RequestConfig) as Bootstrap HTML: sort links in the header, the page's
    rows, pagination. `params`: the request's GET QueryDict, for the links."""
    columns = [_LeanColumn(table, bound) for bound in table.columns]
    head = "".join(c.th(params) for c in columns)
    rows = table.page.object_list if getattr(table, "page", None) else table.rows
    body = "".join(_tr(table, row.record, columns) for row in rows) or (
        f'<tr><td colspan="{len(columns)}">{escape(table.empty_text)}</td></tr>'
    )
    return (
        f'<div class="table-container table-responsive"><table {table.attrs.as_html()}>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{_pagination(table, params)}</div>"
    )


class _LeanColumn:
    """What every cell of one column shares, worked out once per table."""

    def __init__(self, table, bound):
        self.bound = bound
        self.sort_field = table.prefixed_order_by_field
        self.accessor = str(bound.accessor)
        self.plain_key = not any(sep in self.accessor for sep in (".", "__"))
        self.default = conditional_escape(bound.default)
        self.empty_values = bound.column.empty_values
        self.td = bound.attrs["td"].as_html()
        table_render = getattr(table, f"render_{bound.name}", None)
        if table_render is not None:
            self.render = table_render
        elif type(bound.column).render is not tables.Column.render:
            self.render = bound.column.render
        else:
            self.render = None

    def th(self, params) -> str:
        header = conditional_escape(self.bound.header)
        if self.bound.orderable:
            href = _query(params, self.sort_field, self.bound.order_by_alias.next)
            header = f'<a href="{href}">{header}</a>'
        return f'<th {self.bound.attrs["th"].as_html()} scope="col">{header}</th>'

    def td_html(self, record) -> str:
        value = field(record, self.accessor) if self.plain_key else self.bound.accessor.resolve(record, quiet=True)
        if value in self.empty_values:
            cell = self.default
        elif self.render is None:
            cell = conditional_escape(value)
        else:
            cell = conditional_escape(self.render(value=value, record=record))
        return f"<td {self.td}>{cell}</td>"


def _tr(table, record, columns) -> str:
    attrs = {k: v(record) if callable(v) else v for k, v in table.row_attrs.items()}
    attrs_html = flatatt({k: v for k, v in attrs.items() if v})
    return f"<tr{attrs_html}>{''.join(c.td_html(record) for c in columns)}</tr>"


def _query(params, key: str, value) -> str:
    query = params.copy()
    query[key] = value
    return escape(f"?{query.urlencode()}")


def _pagination(table, params) -> str:
    page = getattr(table, "page", None)
    if page is None or table.paginator.num_pages < 2:
        return ""
    field = table.prefixed_page_field
    items = []
    if page.has_previous():
        items.append(("« 上一页", _query(params, field, page.previous_page_number()), False))
    items.append((f"第 {page.number} / {table.paginator.num_pages} 页", None, True))
    if page.has_next():
        items.append(("下一页 »", _query(params, field, page.next_page_number()), False))
    links = "".join(
        f'<li class="page-item{" active" if active else ""}">'
        + (f'<a class="page-link" href="{href}">{label}</a>' if href else f'<span class="page-link">{label}</span>')
        + "</li>"
        for label, href, active in items
    )
    return f'<nav aria-label="表格翻页"><ul class="pagination pagination-sm justify-content-center">{links}</ul></nav>'
