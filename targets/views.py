from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from plans.annex import AnnexError
from plans.forms import PlanImportForm
from plans.models import Department, Plan, Region
from plans.review import apply_review
from plans.scope import department_for, scope_for
from plans.views import get_plan_for_user
from skills_admin.lib import clock
from skills_admin.lib.downloads import attachment
from targets import engine, import_views, queries
from targets.basis import cumulative_target_ids
from targets.departments import department_completeness
from targets.excel import build_entry_template
from targets.exports import template_rows
from targets.forms import AllocationForm, ChaseForm, GridForm, ReopenForm, ReturnForm, UploadForm
from targets.grid import department_grid_for, grid_for, held_allocations
from targets.importer import PlanDocumentError, plan_import_document
from targets.models import Submission, Target
from targets.notify import delivery_failures, reminder_log, reminders_in_scope
from targets.selection import filter_context, resolve
from targets.services import (
    ReportingError,
    allocations_save,
    figures_save,
    figures_upload,
    submission_approve,
    submission_reopen,
    submission_return,
    submission_submit,
)


def _region_for_entry(request, code: str) -> Region:
    region = get_object_or_404(Region, code=code)
    if not scope_for(request.user).covers(region):
        raise Http404("无权填报该地区")
    return region


def _plan_month(request, slug: str, year: int, month: int) -> Plan:
    """The plan, if the user sees it and the month lies in it (404 otherwise, never a 500 on month 13)."""
    plan = get_plan_for_user(request, slug)
    if not plan.covers_month(year, month):
        raise Http404("所选月份不在方案实施期内")
    return plan


def _int_or_404(raw: str | None, default: int | None = None) -> int | None:
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise Http404("参数无效") from None


def _next_or(request, default: str) -> str:
    """The form's `next` when it stays on this site, else `default`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def _grid_url(plan, year, month, region) -> str:
    return reverse("targets:grid", args=[plan.slug, year, month, region.code])


@login_required
def entry(request):
    """Pick plan, month and region, then open the grid."""
    if not scope_for(request.user).can_enter_figures:
        raise PermissionDenied("您的角色不能填报数据")
    selection = resolve(request)
    plan, region = selection.plan, selection.region
    if department_for(request.user) is None and not held_allocations(plan, selection.year, region).exists():
        # never an empty grid: the home page lists the holders below that report (a county-split plan)
        messages.info(
            request,
            f"{region.name}在{plan.display_short_title}{selection.year}年没有本级承担的指标，请从“待填报”中选择填报单位",
        )
        return redirect("home")
    return redirect(_grid_url(plan, selection.year, selection.month, region))


@login_required
def grid(request, slug, year, month, region_code):
    plan = _plan_month(request, slug, year, month)
    region = _region_for_entry(request, region_code)
    own = department_for(request.user)
    if own is not None:  # a department's reporter has the department's grid, not the region's
        return redirect("targets:department_grid", plan.slug, year, month, own.pk)
    the_grid = grid_for(plan, year, month, region, today=clock.today())
    return _grid_page(request, plan, year, month, the_grid)


@login_required
def department_grid(request, slug, year, month, department_id):
    plan = get_plan_for_user(request, slug)
    department = get_object_or_404(Department, pk=department_id)
    own = department_for(request.user)
    # A department's shares belong to the plan's region: its admins (not a city's) and the department's reporters.
    if not (scope_for(request.user).administers(plan.region) or own == department):
        raise Http404("无权填报该部门")
    the_grid = department_grid_for(plan, year, month, department, today=clock.today())
    return _grid_page(request, plan, year, month, the_grid, department)


def _grid_page(request, plan, year, month, the_grid, department=None):
    scope = scope_for(request.user)
    submitted = the_grid.submission is not None and the_grid.submission.status == Submission.Status.SUBMITTED
    if request.method == "GET" and submitted and scope.administers(the_grid.region) and "edit" not in request.GET:
        return redirect("targets:review", the_grid.submission.pk)  # a reviewer opens a submitted month to review
    cumulative = cumulative_target_ids(plan)  # row by row: a target's own 填报口径 or the plan's
    form = GridForm(the_grid, request.POST or None, cumulative=cumulative, flags=_figure_flags(the_grid))
    empty_rows = []
    if request.method == "POST":
        if not scope.can_enter_figures:
            raise PermissionDenied("您的角色不能填报数据")
        if form.is_valid():
            saved, empty_rows = _save_grid(request, plan, the_grid.region, year, month, form, department)
            if saved:
                return redirect(request.path)
    lock_reason = _lock_reason(the_grid, scope)
    if lock_reason:
        for field in form.fields.values():
            field.disabled = True
    form.readonly = bool(lock_reason)
    ctx = {
        "grid": the_grid,
        "department": department,
        "form": form,
        "scope": scope,
        "lock_reason": lock_reason,
        "return_form": ReturnForm(),
        "reopen_form": ReopenForm(),
        "upload_form": UploadForm(),
        "regions": [] if department else _entry_regions(request, plan),
        "months": range(1, 13),
        "readonly": bool(lock_reason),
        "empty_rows": empty_rows,
        "no_progress": set(request.POST.getlist("no_progress")),
    }
    return render(request, "targets/grid_form.html", ctx)


def _figure_flags(the_grid) -> dict[int, dict]:
    """含前期累计 / 核减 marks of the month's figures (read with the grid's figures, no query of its own)."""
    return {r.allocation_id: r.flags for r in the_grid.rows if r.flags}


def _lock_reason(the_grid, scope) -> str:
    """Why the grid is read-only for this user ("" when it is editable)."""
    if not scope.can_enter_figures:
        return "您的角色只能查看，不能填报"
    if not the_grid.state.editable:
        return the_grid.state.reason
    if the_grid.submission and the_grid.submission.status == Submission.Status.SUBMITTED and not scope.is_admin:
        return "本月数据已报送，等待省级管理员审核；如需修改，请联系省级管理员退回"
    return ""


def _empty_rows_unconfirmed(request, form) -> tuple[list, frozenset[int]]:
    """On 保存并报送: the empty rows, and those the reporter confirmed as 本月无进展 (all must be)."""
    if request.POST.get("action") != "submit":
        return [], frozenset()
    empty = form.empty_rows()
    ticked = set(request.POST.getlist("no_progress"))
    confirmed = frozenset(r.allocation_id for r in empty if str(r.allocation_id) in ticked)
    if len(confirmed) < len(empty):
        form.add_error(
            None,
            f"还有{len(empty) - len(confirmed)}项未填写：请逐项填写，或在下方勾选“本月无进展”确认后再报送",
        )
        return empty, confirmed
    return [], confirmed


def _save_grid(request, plan, region, year, month, form, department=None) -> tuple[bool, list]:
    """(saved, the empty rows still to confirm); nothing is written while an empty row is unconfirmed."""
    empty, confirmed = _empty_rows_unconfirmed(request, form)
    if empty:
        return False, empty
    try:
        result = figures_save(
            plan=plan,
            region=region,
            year=year,
            month=month,
            entries=form.entries(no_progress=confirmed),
            user=request.user,
            expected_version=form.cleaned_data["version"],
            department=department,
        )
        if request.POST.get("action") == "submit":
            submission_submit(
                plan=plan, region=region, year=year, month=month, user=request.user, department=department
            )
            messages.success(request, f"已报送{department or region.name}{year}年{month}月数据")
        else:
            messages.success(request, f"已保存草稿（修改{result.changed}项）")
        for warning in result.warnings:
            messages.warning(request, warning)
        return True, []
    except ReportingError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return False, []


def _entry_regions(request, plan: Plan) -> list[Region]:
    scope = scope_for(request.user)
    regions = Region.objects.subtree_of(plan.region).filter(scope.q(None))
    return list(regions.order_by("path"))


@login_required
@require_POST
def submission_review(request, pk, action):
    if action not in ("approve", "return"):
        raise Http404("未知操作")
    submission = get_object_or_404(Submission.objects.select_related("plan", "region"), pk=pk)
    try:
        if action == "approve":
            submission_approve(submission_id=pk, user=request.user)
            messages.success(request, f"已审核通过{submission.region}{submission.month}月数据，已锁定")
        else:
            form = ReturnForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            submission_return(submission_id=pk, user=request.user, reason=reason)
            messages.success(request, f"已退回{submission.region}{submission.month}月数据")
    except ReportingError as exc:
        messages.error(request, exc.messages[0])
    return redirect(_next_or(request, _grid_url(submission.plan, submission.year, submission.month, submission.region)))


@login_required
@require_POST
def reopen(request, slug, year, month, region_code):
    plan = _plan_month(request, slug, year, month)
    region = _region_for_entry(request, region_code)
    form = ReopenForm(request.POST)
    if form.is_valid():
        submission_reopen(
            plan=plan,
            region=region,
            year=year,
            month=month,
            until=form.cleaned_data["until"],
            user=request.user,
        )
        messages.success(request, f"已重新开放{region.name}{year}年{month}月，至{form.cleaned_data['until']:%Y-%m-%d}")
    else:
        messages.error(request, "请填写开放截止日期")
    return redirect(_grid_url(plan, year, month, region))


@login_required
def template_download(request, slug, year, month):
    plan = _plan_month(request, slug, year, month)
    if not scope_for(request.user).can_enter_figures:
        raise PermissionDenied("您的角色不能填报数据")
    if department_for(request.user) is not None:
        raise PermissionDenied("部门填报员请在网页填报表中填报本部门的任务，Excel 模板按地区下载")
    region = _region_for_entry(request, request.GET.get("region") or plan.region.code)
    rows = template_rows(plan, year, month, region, request.user, cumulative=cumulative_target_ids(plan))
    data = build_entry_template(
        plan_title=plan.title, plan_slug=plan.slug, year=year, month=month, rows=rows, region_name=region.name
    )
    ascii_name = f"template_{plan.slug}_{region.code}_{year}-{month:02d}.xlsx"
    return attachment(data, f"{plan.display_short_title}{year}年{month}月填报模板-{region.name}.xlsx", ascii_name)


@login_required
@require_POST
def upload(request, slug, year, month):
    plan = _plan_month(request, slug, year, month)
    if not scope_for(request.user).can_enter_figures:  # before the file is even read
        raise PermissionDenied("您的角色不能填报数据")
    form = UploadForm(request.POST, request.FILES)
    back = _next_or(request, reverse("targets:completeness") + f"?plan={plan.slug}&year={year}&month={month}")
    if not form.is_valid():
        messages.error(request, "；".join(form.errors.get("file", ["请选择文件"])))
        return redirect(back)
    try:
        result = figures_upload(
            plan=plan, year=year, month=month, data=form.cleaned_data["file"].read(), user=request.user
        )
    except ReportingError as exc:
        return render(
            request,
            "targets/upload_errors.html",
            {"plan": plan, "errors": exc.messages, "back": back},
            status=400,
        )
    messages.success(request, f"上传成功：{result.regions}个地区、{result.rows}行，修改{result.changed}项")
    for warning in result.warnings:
        messages.warning(request, warning)
    return redirect(back)


@login_required
def completeness(request):
    selection = resolve(request)
    report = queries.completeness(selection.plan, selection.year, selection.month, request.user)
    ctx = {"selection": selection, "report": report, **filter_context(request, selection, with_regions=False)}
    ctx["departments"] = department_completeness(selection.plan, selection.year, selection.month)
    if scope_for(request.user).can_review:
        ctx["chase_form"], ctx["chase_interval"] = ChaseForm(), settings.REMINDER_MIN_INTERVAL_MINUTES
        ctx["reminders"] = reminder_log(
            selection.plan, selection.year, selection.month, ids=reminders_in_scope(request.user)
        )
        ctx["delivery_failures"] = delivery_failures(ctx["reminders"])
    return render(request, "targets/completeness.html", ctx)


@login_required
def figure_history(request, allocation_id, month):
    allocation = get_object_or_404(queries.allocations_visible_to(request.user), pk=allocation_id)
    ctx = {"allocation": allocation, "month": month, "entries": queries.figure_history(allocation, month)}
    return render(request, "targets/figure_history.html", ctx)


@login_required
def audit_log(request):
    if not scope_for(request.user).is_admin:
        raise PermissionDenied("只有省级管理员可以查看修改记录")
    entries = queries.audit_search(request.GET.get("q", ""), request.GET.get("plan", ""), user=request.user)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "targets/audit_log.html", {"page": page, "q": request.GET.get("q", "")})


@login_required
def allocations(request, slug):
    plan = get_plan_for_user(request, slug)
    scope = scope_for(request.user)
    if not scope.is_admin:
        raise PermissionDenied("只有省级管理员可以分解目标")
    targets = Target.objects.filter(key_task__plan=plan).exclude(kind=engine.MILESTONE).select_related("key_task")
    target = targets.filter(pk=_int_or_404(request.GET.get("target"), 0)).first() or targets.first()
    year = _int_or_404(request.GET.get("year"), plan.start_date.year)
    if not plan.start_date.year <= year <= plan.end_date.year:
        raise Http404("所选年度不在方案实施期内")
    regions = [r for r in engine.peer_regions(plan, scope.home_region(plan)) if scope.administers(r)]
    form = AllocationForm(regions, queries.current_shares(target, year), request.POST or None)
    for region_id, upper in queries.share_upper_bounds(target, year).items():  # the document's ranges (1至2所)
        if f"r_{region_id}" in form.fields:
            form.fields[f"r_{region_id}"].help_text = f"文件给出区间，上限{upper.normalize():f}{target.unit}"
    if request.method == "POST" and form.is_valid():
        try:
            result = allocations_save(target=target, year=year, shares=form.shares(), user=request.user)
        except ReportingError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, f"已保存{result.saved}个地区的分解目标")
            for warning in result.warnings:
                messages.warning(request, warning)
            return redirect(f"{request.path}?target={target.pk}&year={year}")
    meaning = engine.spec(target.kind, target.period) if target else None  # 每季度目标 for a per-quarter count
    ctx = {"plan": plan, "targets": targets, "target": target, "year": year, "form": form, "meaning": meaning}
    return render(request, "targets/allocation_form.html", ctx)


@login_required
def plan_import(request):
    """A plan from its annex table or its full text: plans/annex.py or plans/fulltext.py reads it, the preview shows
    every statement's role for correction (targets/import_views.py confirms it), targets/importer.py writes it."""
    if not scope_for(request.user).is_admin:
        raise PermissionDenied("只有省级管理员可以导入方案")
    form = PlanImportForm(request.POST or None, request.FILES or None, user=request.user)
    preview = None
    if request.method == "POST" and form.is_valid():
        try:
            document = import_views.read_plan_file(form)
            if form.cleaned_data["dry_run"]:
                preview = import_views.keep_draft(request, document)
            else:
                plan = plan_import_document(document=apply_review(document))
                messages.success(request, f"已导入“{plan.title}”，重点任务{plan.key_tasks.count()}项")
                return redirect("plans:detail", slug=plan.slug)
        except (AnnexError, PlanDocumentError) as exc:
            form.add_error("file", str(exc))
    return render(request, "plans/plan_import.html", import_views.preview_context(form, preview))
