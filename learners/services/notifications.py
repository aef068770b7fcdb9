"""E-mails to learners, in their preferred language, each sent at most once."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from courses import selectors as courses_selectors

from ..models import Enrollment, Notification

Kind = Notification.Kind


def reminder_days() -> int:
    return int(getattr(settings, "ACADEMIE_INACTIVITY_REMINDER_DAYS", 14))


def _site_url() -> str:
    return (getattr(settings, "SITE_URL", "") or "http://localhost").rstrip("/")


def _render(*, kind: str, enrollment: Enrollment, language: str) -> tuple[str, str]:
    with translation.override(language):
        translated = courses_selectors.translations_for([enrollment.course_id], language)
        course = translated.get(enrollment.course_id) or enrollment.course
        context = {
            "user": enrollment.user,
            "enrollment": enrollment,
            "course_title": course.title,
            "course_url": _site_url() + (course.url or ""),
            "dashboard_url": _site_url() + reverse("learners:dashboard"),
            "days": reminder_days(),
            "site_name": getattr(settings, "WAGTAIL_SITE_NAME", "Académie"),
        }
        subject = render_to_string(f"learners/email/{kind}_subject.txt", context)
        body = render_to_string(f"learners/email/{kind}.txt", context)
    return " ".join(subject.split()), body


# A claim whose e-mail was never marked sent (the worker died between the two) may be
# taken again after this delay, so that a redelivered task still sends the notice.
CLAIM_TIMEOUT = timedelta(minutes=15)


def _claim(*, enrollment: Enrollment, kind: str, period_key: str, language: str, now: datetime):
    """The log row that reserves this notice for the caller, or None if it is taken."""
    try:
        with transaction.atomic():
            return Notification.objects.create(
                enrollment=enrollment,
                kind=kind,
                period_key=period_key,
                language=language,
                created_at=now,
            )
    except IntegrityError:
        pass
    stale = Notification.objects.filter(
        enrollment=enrollment,
        kind=kind,
        period_key=period_key,
        sent_at__isnull=True,
        created_at__lt=now - CLAIM_TIMEOUT,
    ).first()
    if stale is None:
        return None
    # Conditional: of two deliveries reclaiming the same stale row, one wins.
    taken = Notification.objects.filter(pk=stale.pk, created_at=stale.created_at).update(
        created_at=now, language=language
    )
    return stale if taken else None


def notification_send(
    *, enrollment_id: int, kind: str, period_key: str = "", inactive_before: datetime | None = None
) -> bool:
    """Send one notice about an enrolment unless it was already sent (or no longer applies).

    Reminders are never sent for a completed enrolment, nor when the learner was active
    after ``inactive_before``; congratulations only for a completed one.

    The checks and the log row (the claim) are committed in a short transaction; the
    e-mail is rendered and sent after it, with no row locked, so that a slow mail server
    does not hold up the learner's own writes. Exactly-once for the notice: the claim is
    unique per (enrolment, kind, period); a failed send deletes it, so a retry can send;
    a claim left by a worker that died before marking it sent is taken again after
    ``CLAIM_TIMEOUT`` (a worker killed between the SMTP answer and the mark may, then,
    send twice: the only case)."""
    now = timezone.now()
    with transaction.atomic():
        enrollment = (
            Enrollment.objects.select_for_update(of=("self",))
            .select_related("user", "course")
            .filter(pk=enrollment_id)
            .first()
        )
        if enrollment is None:
            return False
        user = enrollment.user
        completed = enrollment.status == Enrollment.Status.COMPLETED
        if kind == Kind.REMINDER and (
            completed
            or (inactive_before is not None and enrollment.last_activity_at >= inactive_before)
        ):
            return False
        if kind == Kind.COMPLETED and not completed:
            return False
        if not user.email or not user.is_active:
            return False
        language = user.preferred_language or settings.LANGUAGE_CODE
        note = _claim(
            enrollment=enrollment, kind=kind, period_key=period_key, language=language, now=now
        )
        if note is None:
            return False
    try:
        subject, body = _render(kind=kind, enrollment=enrollment, language=language)
        send_mail(subject, body, None, [user.email])
    except BaseException:
        Notification.objects.filter(pk=note.pk, sent_at__isnull=True).delete()
        raise
    sent_at = timezone.now()
    Notification.objects.filter(pk=note.pk).update(sent_at=sent_at)
    if kind == Kind.REMINDER:
        Enrollment.objects.filter(pk=enrollment.pk).update(last_reminder_at=sent_at)
    return True


def inactivity_reminders_send(*, now: datetime | None = None) -> int:
    """Remind learners inactive for N days (settings.ACADEMIE_INACTIVITY_REMINDER_DAYS).

    At most one reminder per N-day period of inactivity, none after completion."""
    days = reminder_days()
    if days <= 0:
        return 0
    now = now or timezone.now()
    period = timedelta(days=days)
    cutoff = now - period
    due = (
        Enrollment.objects.filter(status=Enrollment.Status.ACTIVE, last_activity_at__lt=cutoff)
        .filter(Q(last_reminder_at__isnull=True) | Q(last_reminder_at__lt=cutoff))
        .values_list("pk", "last_activity_at")
        .order_by("pk")
    )
    sent = 0
    for pk, last_activity in due.iterator(chunk_size=500):
        number = int((now - last_activity) / period)
        key = f"{last_activity:%Y%m%dT%H%M%S}/{number}"
        sent += notification_send(
            enrollment_id=pk, kind=Kind.REMINDER, period_key=key, inactive_before=cutoff
        )
    return sent
