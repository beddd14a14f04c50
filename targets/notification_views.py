"""The bell: a user's notifications; and 一键催报 from the completeness page."""

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
from targets.forms import ChaseForm
from targets.models import Notification
from targets.notify import ChaseError, reminder_chase


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


@login_required
@require_POST
def chase(request, slug, year, month):
    plan = get_plan_for_user(request, slug)
    if not scope_for(request.user).administers(plan.region):
        raise PermissionDenied("只有本方案的省级管理员可以一键催报")
    form = ChaseForm(request.POST)
    back = reverse("targets:completeness") + f"?plan={plan.slug}&year={year}&month={month}"
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
    return redirect(back)
