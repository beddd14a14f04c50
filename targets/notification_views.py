"""The bell: a user's notifications; and 一键催报 from the completeness page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from plans.scope import scope_for
from plans.views import get_plan_for_user
from skills_admin.lib import clock
from targets.forms import ChaseForm
from targets.models import Notification, Reminder
from targets.notify import ChaseError, chase_month_check, chase_preview, default_message, reminder_chase


@login_required
def notification_list(request):
    notes = Notification.objects.filter(user=request.user)
    page = Paginator(notes, 30).get_page(request.GET.get("page"))
    return render(request, "targets/notification_list.html", {"page": page})


@login_required
def notification_open(request, pk):
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    safe = url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()})
    return redirect(note.url if note.url and safe else "targets:notifications")


@login_required
@require_POST
def notifications_read(request):
    count = Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    messages.success(request, f"已将{count}条通知标为已读")
    return redirect("targets:notifications")


def _chase_plan(request, slug):
    plan = get_plan_for_user(request, slug)
    if not scope_for(request.user).administers(plan.region):
        raise PermissionDenied("只有本方案的省级管理员可以一键催报")
    return plan


@login_required
def chase(request, slug, year, month):
    """GET (or POST with action=preview): who gets what by which channel, the unreachable and the locked named;
    POST with action=send: send it."""
    plan = _chase_plan(request, slug)
    back = reverse("targets:completeness") + f"?plan={plan.slug}&year={year}&month={month}"
    form = ChaseForm(request.POST or None)
    today = clock.today()
    try:
        chase_month_check(plan, year, month, today)
    except ChaseError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    if request.method == "POST" and request.POST.get("action") == "send":
        return _chase_send(request, plan, year, month, form, back)
    ctx = {
        "plan": plan,
        "year": year,
        "month": month,
        "form": form if form.is_bound else ChaseForm(),
        "recipients": chase_preview(plan, year, month, today),
        "default_message": default_message(plan, year, month, "manual"),
        "interval": settings.REMINDER_MIN_INTERVAL_MINUTES,
        "back": back,
    }
    return render(request, "targets/chase_preview.html", ctx)


def _chase_send(request, plan, year, month, form, back):
    if not form.is_valid():
        messages.error(request, "催报内容有误，请检查后重试")
        return redirect(back)
    try:
        reminder = reminder_chase(
            plan=plan,
            year=year,
            month=month,
            user=request.user,
            channels=form.cleaned_data["channels"],
            message=form.cleaned_data["message"],
        )
    except ChaseError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    messages.success(request, f"已向{reminder.holder_count}个地区或部门发出催报（{reminder.channel_labels}）")
    nobody = [r.holder for r in chase_preview(plan, year, month, clock.today()) if not r.people and not r.locked]
    if nobody:
        messages.warning(request, f"{'、'.join(nobody)}没有填报员账号，催报无人接收；请先为其设置填报员")
    return redirect("targets:reminder_detail", reminder.pk)


@login_required
def reminder_detail(request, pk):
    """One chase, delivery by delivery: each person's bell and email, each group robot, with the answer."""
    scope = scope_for(request.user)
    if not scope.is_admin:
        raise PermissionDenied("只有管理员可以查看催报明细")
    visible = Reminder.objects.filter(scope.q("regions")).distinct()
    reminder = get_object_or_404(visible.select_related("plan", "requested_by"), pk=pk)
    ctx = {
        "reminder": reminder,
        "deliveries": list(reminder.deliveries.select_related("user", "region").order_by("channel", "id")),
        "bells": list(Notification.objects.filter(reminder=reminder).select_related("user").order_by("user__username")),
    }
    return render(request, "targets/reminder_detail.html", ctx)
