"""The client's address, as login throttling must see it behind a reverse proxy.

Behind the documented nginx every request comes from the proxy's address; throttling by that address would let
five failures from anyone lock everyone out. The forwarded header is believed only when the request comes from
a proxy listed in TRUSTED_PROXIES: anybody else could write the header themselves.
"""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    header = settings.CLIENT_IP_HEADER
    if not header or remote not in settings.TRUSTED_PROXIES:
        return remote
    forwarded = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
    # X-Forwarded-For lists each hop; the right-most address not of a trusted proxy is the one our proxy saw.
    hops = [part.strip() for part in forwarded.split(",") if part.strip()]
    for address in reversed(hops):
        if address not in settings.TRUSTED_PROXIES:
            return address
    return hops[0] if hops else remote
