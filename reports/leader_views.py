"""The leaders' page (领导驾驶舱): one phone-readable screen, read from the progress engine."""

from dataclasses import replace

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from reports import charts, followup, queries
from skills_admin.lib import clock
from targets.selection import filter_context, resolve


@login_required
def leader(request):
    sel = resolve(request)
    data = queries.leader_page(sel.plan, sel.year, sel.month, sel.region)
    data["headline"] = [
        replace(card, spark=charts.sparkline(card.sparkline) if card.sparkline else None) for card in data["headline"]
    ]
    ctx = {
        **filter_context(request, sel),
        "action_url": request.path,
        "data": data,
        "notices": followup.notice_lists(request.user, sel.plan, today=clock.today()),
    }
    return render(request, "reports/leader.html", ctx)
