from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from plans.models import ApiToken
from plans.scope import scope_for
from reports import home as home_data
from skills_admin.lib import clock
from skills_admin.lib.health import health_report


@login_required
def home(request):
    """What to do now, by role; the leader lands on the leaders' page (领导驾驶舱)."""
    role = scope_for(request.user).role
    if role == "leader":
        return redirect("reports:leader")
    builders = {
        "reporter": home_data.reporter_home,
        "viewer": home_data.viewer_home,
        "admin": home_data.admin_home,
        "national": home_data.admin_home,  # 部级 and superusers: the admin's lists over their (national) scope
    }
    today = clock.today()
    ctx = {"role": role, "today": today, **(builders[role](request.user, today) if role in builders else {})}
    return render(request, "reports/home.html", ctx)


@never_cache
def healthz(request):
    report = health_report()
    return JsonResponse(report, status=200 if report["ok"] else 503, json_dumps_params={"ensure_ascii": False})


@login_required
def api_tokens(request):
    """The user's own read-API tokens, with when they were last used and when they expire."""
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    ctx = {"tokens": tokens, "can_manage": scope_for(request.user).is_admin}
    return render(request, "registration/api_tokens.html", ctx)


def _tokens_administered_by(user):
    """Read-API tokens of the users in an admin's subtree (all for a 部级 admin); 403 for anyone else."""
    scope = scope_for(user)
    if not scope.is_admin:
        raise PermissionDenied("只有管理员可以管理本地区用户的接口令牌")
    tokens = ApiToken.objects.filter(scope.q("user__profile__region")).select_related("user__profile__region")
    return tokens if scope.is_global else tokens.exclude(user__is_superuser=True)


@login_required
def api_tokens_admin(request):
    """An admin's list of the tokens of users in its subtree, to revoke a leaked or unused one."""
    tokens = _tokens_administered_by(request.user).order_by("user__username", "-created_at")
    return render(request, "registration/api_tokens_admin.html", {"tokens": list(tokens)})


@login_required
@require_POST
def api_token_admin_revoke(request, pk):
    token = get_object_or_404(_tokens_administered_by(request.user), pk=pk)  # 404 outside the subtree
    token.delete()
    messages.success(request, f"已吊销{token.user}的令牌“{token.name}”（{token.prefix}…）")
    return redirect("api_tokens_admin")


@login_required
@require_POST
def api_token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)  # only one's own: 404 for anyone else's
    token.delete()
    messages.success(request, f"已吊销令牌“{token.name}”（{token.prefix}…）")
    return redirect("api_tokens")
