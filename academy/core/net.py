"""The client's address, as far as this platform can trust it.

Behind ``TRUSTED_PROXY_COUNT`` reverse proxies, each appends the address it received the
request from to ``X-Forwarded-For``: the client is the entry that the outermost trusted proxy
added, ``TRUSTED_PROXY_COUNT`` places from the end. Anything further left was written by the
client itself and is never believed. With no trusted proxy (the default) the header is ignored.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request) -> str:
    remote = _valid(request.META.get("REMOTE_ADDR", "")) or "0.0.0.0"
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    forwarded = [
        part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if len(forwarded) < count:
        return remote
    return _valid(forwarded[-count]) or remote


def client_ip_for_ratelimit(group, request) -> str:
    """django-ratelimit's ``key`` callable: the trusted client address."""
    return client_ip(request)
