"""E-mails the HR app sends to employees."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from academy.accounts.models import User


def email_change_notice_queue(*, user: User, old_email: str) -> None:
    """Tell the old address of a learner that their e-mail was changed, once committed."""
    if not old_email:
        return
    from ..tasks import email_change_notice_task

    email_change_notice_task.delay_on_commit(user.pk, old_email)


def email_change_notice_send(*, user_id: int, old_email: str) -> bool:
    """The notice, in French and in Arabic (the learner may read either), to the old address."""
    user = User.objects.filter(pk=user_id).first()
    if user is None or not old_email:
        return False
    context = {"user": user, "site_name": getattr(settings, "WAGTAIL_SITE_NAME", "Académie")}
    parts, subjects = [], []
    for language in ("fr", "ar"):
        with translation.override(language):
            subjects.append(
                " ".join(render_to_string("hr/email/email_changed_subject.txt", context).split())
            )
            parts.append(render_to_string("hr/email/email_changed.txt", context).strip())
    send_mail(" / ".join(subjects), "\n\n———\n\n".join(parts), None, [old_email])
    return True
