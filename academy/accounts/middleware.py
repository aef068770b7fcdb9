"""Sessions end after an idle period (shorter for staff) and at an absolute maximum age."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout

STARTED, SEEN, IDLE = "_academie_started", "_academie_seen", "_academie_idle"
SEEN_RESOLUTION = 60  # seconds: the session is written at most once a minute for this


def user_is_staff_like(user) -> bool:
    """Anyone with more than a learner's rights: admin access, HR scope, any role group."""
    from .selectors import user_hr_scope

    return bool(
        user.is_staff
        or user.is_superuser
        or user.groups.exists()
        or user_hr_scope(user) is not None
        or user.has_perm("wagtailadmin.access_admin")
    )


def idle_timeout_for(user) -> int:
    if user_is_staff_like(user):
        return int(settings.SESSION_IDLE_TIMEOUT_STAFF)
    return int(settings.SESSION_IDLE_TIMEOUT_LEARNER)


class SessionExpiryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._check(request, user)
        return self.get_response(request)

    def _check(self, request, user):
        session = request.session
        now = time.time()
        started = session.get(STARTED)
        seen = session.get(SEEN)
        idle = session.get(IDLE)
        if started is None or idle is None:
            started = started or now
            idle = idle_timeout_for(user)
            session[STARTED] = started
            session[IDLE] = idle
        if (seen is not None and now - seen > idle) or now - started > settings.SESSION_MAX_AGE:
            logout(request)
            return
        if seen is None or now - seen >= SEEN_RESOLUTION:
            session[SEEN] = now
            remaining = int(settings.SESSION_MAX_AGE - (now - started))
            session.set_expiry(max(1, min(idle, remaining)))
