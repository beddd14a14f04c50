from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache

from plans.scope import scope_for
from skills_admin.lib.health import health_report


@login_required
def home(request):
    scope = scope_for(request.user)
    if scope.role == "leader":
        return redirect("reports:leader")
    if scope.role == "viewer" or (scope.role == "reporter" and not scope.is_global):
        return redirect("reports:my_region")
    return redirect("plans:list")


@never_cache
def healthz(request):
    report = health_report()
    return JsonResponse(
        report, status=200 if report["ok"] else 503, json_dumps_params={"ensure_ascii": False}
    )
