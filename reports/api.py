"""The read-only JSON API: plans, targets, allocations, figures, progress and completeness.

Scoped exactly like the screens: plans through `Plan.objects.visible_to`, allocations and figures through
`Allocation.objects.visible_to`, regions through `scope_for(user).covers`. Progress comes from the progress
engine (`targets.engine.progress_report`) and nothing else. Decimals are strings with two decimal places
("66.67"), never floats. Auth: `Authorization: Bearer <key>` (`manage.py create_api_token`) or a session.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, JsonResponse
from django.utils import timezone
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import HttpBearer, django_auth

from plans.models import ApiToken, KeyTask, Plan, Region
from plans.queries import key_tasks_with_details
from plans.scope import scope_for
from targets import engine, queries
from targets.models import Allocation, MonthlyFigure
from targets.report_cache import shared_report

CENT = Decimal("0.01")
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_PAGE_SIZE = 1000
TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=1)
FIELD_HINTS = {
    "year": f"年份须为{MIN_YEAR}至{MAX_YEAR}之间的整数",
    "month": "月份须为1至12之间的整数",
    "region": "地区代码无效",
    "limit": f"每页条数须为1至{MAX_PAGE_SIZE}之间的整数",
    "offset": "起始位置须为非负整数",
}


def decimal_text(value: Decimal | None) -> str | None:
    """Every decimal of the API: a fixed-point string with two places, so no client sees "1E+2" or a float."""
    return None if value is None else str(value.quantize(CENT, rounding=ROUND_HALF_UP))


# --- Auth and docs -------------------------------------------------------------------------------------


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash_key(token), user__is_active=True, expires_at__gt=timezone.now())
            .first()
        )
        if found is None:
            return None
        touch_token(found)
        request.user = found.user  # so code that reads request.user sees the token's owner
        return found.user


def touch_token(token: ApiToken) -> None:
    """Record use at most once a minute, so a busy client does not turn every read into a write."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


class OfflineSwagger(Swagger):
    """Swagger UI from the files ninja bundles (ninja/static/ninja/), which it uses only when "ninja" is an
    installed app; otherwise ninja would render a page loading Swagger UI from a CDN, which the CSP and the
    offline machines block, so there is no docs page then (openapi.json is always served)."""

    def render_page(self, request, api, **kwargs):
        if "ninja" not in settings.INSTALLED_APPS:
            raise Http404("接口文档未启用")
        return super().render_page(request, api, **kwargs)


def docs_for_users(view):
    """The schema and its docs page are for signed-in users and token holders only: anonymous visitors reach
    nothing but the login page and /healthz. A browser is sent to log in; a client gets 401."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated or BearerToken()(request) is not None:
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            return JsonResponse({"detail": "未登录或令牌无效"}, status=401, headers={"WWW-Authenticate": "Bearer"})
        return redirect_to_login(request.get_full_path())

    return wrapped


api = NinjaAPI(
    title="技能提升行动目标管理平台 API",
    version="1",
    description=__doc__,
    urls_namespace="api",
    auth=[BearerToken(), django_auth],
    docs=OfflineSwagger(),
    docs_url="/docs",
    docs_decorator=docs_for_users,
)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    response = api.create_response(request, {"detail": "未登录或令牌无效"}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(ValidationError)
def invalid_parameters(request, exc):
    return api.create_response(request, {"detail": validation_detail(exc.errors)}, status=422)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "未找到"}, status=404)


def validation_detail(errors: list[dict]) -> str:
    names = dict.fromkeys(str(e["loc"][-1]) for e in errors if e.get("loc"))
    hints = [FIELD_HINTS.get(name, f"参数“{name}”无效") for name in names]
    return "；".join(hints) or "参数无效"


# --- Lookups within the user's scope -------------------------------------------------------------------


def plan_for(request, slug: str) -> Plan:
    plan = Plan.objects.visible_to(request.auth).select_related("region").filter(slug=slug).first()
    if plan is None:
        raise HttpError(404, "未找到该方案")
    return plan


def region_for(request, plan: Plan, code: str | None) -> Region:
    """The region asked for, or the user's own, or the plan's: the rules of the screens' filter bar."""
    scope = scope_for(request.auth)
    if code:
        region = Region.objects.filter(code=code).first()
        if region is None or not scope.covers(region) or not region.is_within(plan.region):
            raise HttpError(404, "无权查看该地区")
        return region
    return scope.home_region(plan)


def check_year(plan: Plan, year: int) -> None:
    if not plan.start_date.year <= year <= plan.end_date.year:
        raise HttpError(422, "所选年份不在方案实施期内")


# --- Schemas -------------------------------------------------------------------------------------------


class RegionRef(Schema):
    code: str
    name: str


class RegionOut(Schema):
    code: str
    name: str
    level: str
    level_label: str
    parent_code: str | None
    is_synthetic: bool

    @staticmethod
    def resolve_level_label(obj: Region) -> str:
        return obj.get_level_display()

    @staticmethod
    def resolve_parent_code(obj: Region) -> str | None:
        codes = obj.path.split("/")
        return codes[-2] if len(codes) > 1 else None


class PlanOut(Schema):
    slug: str
    title: str
    short_title: str
    document_number: str
    issuers: str
    issue_date: dt.date | None
    region: RegionRef
    start_date: dt.date
    end_date: dt.date
    years: list[int]
    is_demo: bool


class DepartmentLinkOut(Schema):
    name: str
    role: str
    role_label: str
    note: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.department.name

    @staticmethod
    def resolve_role_label(obj) -> str:
        return obj.get_role_display()


class MeasureOut(Schema):
    number: int
    text: str


class KeyTaskOut(Schema):
    number: int
    section: str
    title: str
    description: str
    deadline_text: str
    due_dates: list[str]
    is_ongoing: bool
    departments: list[DepartmentLinkOut]
    measures: list[MeasureOut]

    @staticmethod
    def resolve_departments(obj: KeyTask) -> list:
        return list(obj.department_links.all())

    @staticmethod
    def resolve_measures(obj: KeyTask) -> list:
        return list(obj.measures.all())


class PlanDetailOut(PlanOut):
    overall_goals: str
    summary: str
    next_steps: str
    reporting_deadline_day: int
    lag_threshold_points: str
    key_tasks: list[KeyTaskOut]

    @staticmethod
    def resolve_lag_threshold_points(obj: Plan) -> str:
        return decimal_text(obj.lag_threshold_points)

    @staticmethod
    def resolve_key_tasks(obj: Plan) -> list[KeyTask]:
        return key_tasks_with_details(obj)


class TargetOut(Schema):
    id: int
    code: str = Field(description="重点任务序号-目标序号，如“3-2”")
    key_task_number: int
    key_task_title: str
    number: int
    name: str
    unit: str
    kind: str
    kind_label: str
    period: str | None
    qualifier: str
    display_value: str
    higher_is_better: bool
    due_month: int | None
    lead_department: str
    is_reported: bool
    value: str | None
    yearly_value: str | None = Field(description="一年的目标值：方案期内的总目标按年平均分摊")

    @staticmethod
    def resolve_value(obj: engine.TargetRow) -> str | None:
        return decimal_text(obj.value)

    @staticmethod
    def resolve_yearly_value(obj: engine.TargetRow) -> str | None:
        return decimal_text(obj.yearly_value)


class AllocationOut(Schema):
    id: int
    target_id: int
    target_code: str
    year: int
    region: RegionRef | None
    department: str | None
    value: str | None
    value_max: str | None = Field(None, description="文件给出区间时的上限（如“每个市1至2所”的2）；按下限 value 判断")
    note: str
    is_demo: bool

    @staticmethod
    def resolve_target_code(obj: Allocation) -> str:
        return f"{obj.target.key_task.number}-{obj.target.number}"

    @staticmethod
    def resolve_department(obj: Allocation) -> str | None:
        return obj.department.name if obj.department_id else None

    @staticmethod
    def resolve_value(obj: Allocation) -> str | None:
        return decimal_text(obj.value)

    @staticmethod
    def resolve_value_max(obj: Allocation) -> str | None:
        return decimal_text(obj.value_max)


class FigureOut(Schema):
    id: int
    allocation_id: int
    target_id: int
    target_code: str
    year: int
    month: int
    region: RegionRef | None
    department: str | None
    value: str | None
    milestone_status: str
    milestone_date: dt.date | None
    remark: str
    is_demo: bool
    version: int
    updated_at: dt.datetime

    @staticmethod
    def resolve_target_id(obj: MonthlyFigure) -> int:
        return obj.allocation.target_id

    @staticmethod
    def resolve_target_code(obj: MonthlyFigure) -> str:
        return AllocationOut.resolve_target_code(obj.allocation)

    @staticmethod
    def resolve_year(obj: MonthlyFigure) -> int:
        return obj.allocation.year

    @staticmethod
    def resolve_region(obj: MonthlyFigure) -> Region | None:
        return obj.allocation.region

    @staticmethod
    def resolve_department(obj: MonthlyFigure) -> str | None:
        return AllocationOut.resolve_department(obj.allocation)

    @staticmethod
    def resolve_value(obj: MonthlyFigure) -> str | None:
        return decimal_text(obj.value)


class CellOut(Schema):
    """One target for one holder, as the progress engine evaluated it."""

    region: RegionRef
    target: str | None = Field(description="目标值")
    this_month: str | None = Field(description="本月完成")
    cumulative: str | None = Field(description="累计完成")
    completion_rate: str | None = Field(description="完成率(%)")
    schedule_rate: str | None = Field(description="序时进度(%)")
    schedule_gap: str | None = Field(description="序时差(百分点)")
    status: str
    status_label: str
    reported: bool
    rank: int | None
    rank_change: int | None = Field(description="位次变化：正数为上升")
    note: str = Field("", description="说明：不按月统计的考核方式、合计的构成（如6/15已完成）、文件表述不一")


class TargetProgressOut(Schema):
    id: int
    code: str
    name: str
    unit: str
    kind: str
    target_label: str = Field(description="目标口径：年度目标、季度目标、目标值（存量）…")
    total: CellOut
    regions: list[CellOut] = Field(description="各地区，按排名")


class ProgressOut(Schema):
    plan: str
    year: int
    month: int
    region: RegionRef = Field(description="被比较的是该地区的下级地区")
    peers: list[RegionRef]
    targets: list[TargetProgressOut]


class CompletenessRowOut(Schema):
    region: RegionRef
    status: str
    status_label: str
    submitted_at: dt.datetime | None
    on_time: bool | None


class CompletenessOut(Schema):
    plan: str
    year: int
    month: int
    expected: int
    submitted: int
    on_time: int
    rate: str | None
    timely_rate: str | None
    rows: list[CompletenessRowOut]


class Error(Schema):
    detail: str


class LimitOffset(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_PAGE_SIZE, description=f"每页条数，最多{MAX_PAGE_SIZE}")
        offset: int = Field(0, ge=0, le=10**9)


# --- Endpoints -----------------------------------------------------------------------------------------

ERRORS = {401: Error, 404: Error, 422: Error}


@api.get("/plans", response={200: list[PlanOut], 401: Error}, summary="可查看的行动方案")
def plan_list(request):
    return Plan.objects.visible_to(request.auth).select_related("region")


@api.get("/plans/{slug}", response={200: PlanDetailOut, **ERRORS}, summary="方案详情：重点任务、措施、责任部门")
def plan_detail(request, slug: str):
    return plan_for(request, slug)


@api.get("/plans/{slug}/targets", response={200: list[TargetOut], **ERRORS}, summary="工作目标")
def target_list(request, slug: str):
    return engine.targets_of(plan_for(request, slug))


@api.get("/plans/{slug}/allocations", response={200: list[AllocationOut], **ERRORS}, summary="目标分解")
def allocation_list(request, slug: str, year: int | None = Query(None, ge=MIN_YEAR, le=MAX_YEAR)):
    allocations = visible_allocations(request, plan_for(request, slug)).select_related(
        "target__key_task", "region", "department"
    )
    return allocations.filter(year=year) if year else allocations


@api.get("/plans/{slug}/figures", response={200: list[FigureOut], **ERRORS}, summary="月度数据(分页)")
@paginate(LimitOffset)
def figure_list(
    request,
    slug: str,
    year: int | None = Query(None, ge=MIN_YEAR, le=MAX_YEAR),
    month: int | None = Query(None, ge=1, le=12),
    region: str | None = Query(None, max_length=20, description="地区代码：该地区及其下级的数据"),
):
    plan = plan_for(request, slug)
    allocations = visible_allocations(request, plan)
    if region:
        allocations = allocations.filter(region__in=Region.objects.subtree_of(region_for(request, plan, region)))
    return figures_of(allocations, year, month)


def visible_allocations(request, plan: Plan) -> QuerySet[Allocation]:
    return Allocation.objects.visible_to(request.auth).for_plan(plan)


def figures_of(allocations: QuerySet[Allocation], year: int | None, month: int | None) -> QuerySet[MonthlyFigure]:
    figures = MonthlyFigure.objects.filter(allocation__in=allocations).select_related(
        "allocation__target__key_task", "allocation__region", "allocation__department"
    )
    if year:
        figures = figures.filter(allocation__year=year)
    if month:
        figures = figures.filter(month=month)
    return figures.order_by("allocation__year", "month", "allocation_id")


@api.get("/plans/{slug}/progress", response={200: ProgressOut, **ERRORS}, summary="完成进度、序时进度与排名")
def plan_progress(
    request,
    slug: str,
    year: int = Query(..., ge=MIN_YEAR, le=MAX_YEAR),
    month: int = Query(..., ge=1, le=12),
    region: str | None = Query(None, max_length=20, description="地区代码：比较其下级地区；默认本人所属地区"),
):
    plan = plan_for(request, slug)
    check_year(plan, year)
    parent = region_for(request, plan, region)
    report = shared_report(plan, year, month, region=parent)
    return progress_payload(report)


def progress_payload(report: engine.ProgressReport) -> dict:
    regions = {r.id: r for r in report.regions}
    return {
        "plan": report.plan.slug,
        "year": report.year,
        "month": report.month,
        "region": report.region,
        "peers": report.regions,
        "targets": [target_progress(report, t, regions) for t in report.targets],
    }


def target_progress(report: engine.ProgressReport, target: engine.TargetRow, regions: dict) -> dict:
    return {
        "id": target.id,
        "code": target.code,
        "name": target.name,
        "unit": target.unit,
        "kind": target.kind,
        "target_label": target.target_label,
        "total": row_payload(report.total_row(target), report.region),
        "regions": [row_payload(row, regions[row.region_id]) for row in report.ranked_rows(target)],
    }


def row_payload(row: engine.ProgressRow, region: Region) -> dict:
    """The engine's row as JSON: figures as decimal strings, the status as code and label."""
    return {
        "region": region,
        "target": decimal_text(row.target_value),
        "this_month": decimal_text(row.this_month),
        "cumulative": decimal_text(row.cumulative),
        "completion_rate": decimal_text(row.completion_rate),
        "schedule_rate": decimal_text(row.schedule_rate),
        "schedule_gap": decimal_text(row.schedule_gap),
        "status": row.status.value,
        "status_label": row.status_label,
        "reported": row.reported,
        "rank": row.rank,
        "rank_change": row.rank_change,
        "note": row.explanation,
    }


@api.get("/plans/{slug}/completeness", response={200: CompletenessOut, **ERRORS}, summary="报送情况")
def plan_completeness(
    request,
    slug: str,
    year: int = Query(..., ge=MIN_YEAR, le=MAX_YEAR),
    month: int = Query(..., ge=1, le=12),
):
    plan = plan_for(request, slug)
    check_year(plan, year)
    result = queries.completeness(plan, year, month, request.auth)
    return {
        "plan": plan.slug,
        "year": year,
        "month": month,
        "expected": result.expected,
        "submitted": result.submitted,
        "on_time": result.on_time,
        "rate": decimal_text(result.rate),
        "timely_rate": decimal_text(result.timely_rate),
        "rows": result.rows,
    }


@api.get("/regions", response={200: list[RegionOut], 401: Error}, summary="可查看的地区")
def region_list(request):
    return Region.objects.filter(scope_for(request.auth).q(None))
