"""The leaders' page (领导驾驶舱): one phone-readable screen, read from the progress engine."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from reports import charts, queries
from targets.selection import filter_context, resolve


@login_required
def leader(request):
    sel = resolve(request)
    data = queries.leader_page(sel.plan, sel.year, sel.month, sel.region)
    for row in data["headline"]:
        row["spark"] = charts.sparkline(row["sparkline"]) if row["sparkline"] else None
    ctx = {
        **filter_context(request, sel),
        "action_url": request.path,
        "data": data,
    }
    return render(request, "reports/leader.html", ctx)
