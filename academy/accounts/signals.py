"""Sign-in events: lockouts go to the audit log; a new session starts its clocks afresh."""

from __future__ import annotations

import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .middleware import IDLE, SEEN, STARTED, idle_timeout_for


@receiver(user_locked_out, dispatch_uid="academie_audit_login_lockout")
def audit_login_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    from academy.audit.models import AuditAction
    from academy.audit.services import audit_record

    audit_record(
        actor=None,
        action=AuditAction.LOGIN_LOCKOUT,
        data={"username": username or "", "ip_address": ip_address or ""},
        request=request,
    )


@receiver(user_logged_in, dispatch_uid="academie_session_clocks")
def session_clocks_start(sender, request=None, user=None, **kwargs):
    """The session's clocks start at sign-in, with the idle limit of the user's role (worked
    out once here, not on every request)."""
    if request is None or not hasattr(request, "session") or user is None:
        return
    now = time.time()
    request.session[STARTED] = now
    request.session[SEEN] = now
    request.session[IDLE] = idle_timeout_for(user)
