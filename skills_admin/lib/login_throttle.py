"""Login throttling per address as well as per user name (password spraying).

django-axes locks a user name from one address after AXES_FAILURE_LIMIT failures. A sprayer tries a few common
passwords on many names and stays under that limit on every name; this handler also locks the address once its
failures over all names reach AXES_ADDRESS_FAILURE_LIMIT within the cool-off time. The address limit is higher
than the per-name one: many honest users of one bureau may share an office address behind NAT.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def address_failures(ip_address: str) -> int:
    attempts = AccessAttempt.objects.filter(ip_address=ip_address)
    cool_off = get_cool_off()
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class AddressThrottleHandler(AxesDatabaseHandler):
    def is_locked(self, request, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        ip_address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
        return address_failures(ip_address) >= settings.AXES_ADDRESS_FAILURE_LIMIT

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        """Record the failure; past the address limit, answer with the lockout page (429) like a locked name."""
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None:
            return
        ip_address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
        if address_failures(ip_address) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            request.axes_locked_out = True
