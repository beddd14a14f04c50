from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from plans.models import ApiToken
from plans.scope import scope_for
from skills_admin.lib.health import health_report


@login_required
def home(request):
    scope = scope_for(request.user)
    if scope.role == "viewer" or (scope.role == "reporter" and not scope.is_global):
        return redirect("reports:my_region")
    return redirect("plans:list")


@never_cache
def healthz(request):
    report = health_report()
    return JsonResponse(
        report, status=200 if report["ok"] else 503, json_dumps_params={"ensure_ascii": False}
    )


@login_required
def api_tokens(request):
    """The user's own read-API tokens, with when they were last used and when they expire."""
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(request, "registration/api_tokens.html", {"tokens": tokens})


@login_required
@require_POST
def api_token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)  # only one's own: 404 for anyone else's
    token.delete()
    messages.success(request, f"已吊销令牌“{token.name}”（{token.prefix}…）")
    return redirect("api_tokens")
