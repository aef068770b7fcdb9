"""Recertification: reminders when the renewal window opens, and the holder starting a
renewal (the new certificate supersedes the old one when it is issued)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Certificate

logger = logging.getLogger("certificates.services")

# -- recertification reminders ----------------------------------------------------------


def _renewal_mail(certificate: Certificate, *, on: dt.date) -> tuple[str, str]:
    """Subject and body in the learner's language first, then in the other one."""
    from django.template.loader import render_to_string
    from django.utils import translation

    from ..rendering.content import date_long

    user = certificate.enrollment.user
    first = user.preferred_language or settings.LANGUAGE_CODE
    languages = [first] + [code for code, _name in settings.LANGUAGES if code != first]
    course = certificate.snapshot.get("course") or {}
    subjects, bodies = [], []
    for language in languages:
        with translation.override(language):
            arabic = language.startswith("ar")
            context = {
                "name": (user.full_name_arabic if arabic else "") or user.full_name_latin,
                "serial": certificate.serial,
                "course_title": course.get("title_ar" if arabic else "title_fr", ""),
                "valid_until": date_long(certificate.valid_until, language),
                "expired": certificate.valid_until < on,
                "dashboard_url": settings.SITE_URL + reverse("learners:dashboard"),
            }
            subjects.append(
                " ".join(
                    render_to_string("certificates/email/renewal_subject.txt", context).split()
                )
            )
            bodies.append(render_to_string("certificates/email/renewal.txt", context).strip())
    body = "\n\n— — —\n\n".join(bodies) + f"\n\n{settings.WAGTAIL_SITE_NAME}\n"
    return " / ".join(subjects), body


def certificate_renewal_reminders_send(*, on: dt.date | None = None) -> int:
    """Reminds, once, each holder of a certificate whose recertification window is open.

    Each certificate is claimed by a conditional update before its e-mail goes out (two
    beat runs at once never both send); a failed sending gives the claim back, so the
    next run tries again. Returns the number of e-mails sent."""
    from django.core.mail import send_mail

    from ..selectors import certificates_renewal_due

    on = on or timezone.localdate()
    sent = 0
    due = certificates_renewal_due(on=on).select_related("enrollment__user").order_by("pk")
    for certificate in due:
        if not certificate.enrollment.user.email:
            continue
        claimed = Certificate.objects.filter(
            pk=certificate.pk, renewal_reminded_at__isnull=True
        ).update(renewal_reminded_at=timezone.now())
        if not claimed:
            continue
        try:
            subject, body = _renewal_mail(certificate, on=on)
            send_mail(subject, body, None, [certificate.enrollment.user.email])
        except Exception:
            Certificate.objects.filter(pk=certificate.pk).update(renewal_reminded_at=None)
            logger.exception("Renewal reminder of certificate %s not sent", certificate.serial)
            continue
        sent += 1
    return sent


def certificate_renewal_start(*, certificate: Certificate, user):
    """The holder starts renewing a certificate whose recertification window is open:
    enrolled in the course's recertification course when it has one, else the course
    is re-taken (its final assessment passed again). Returns the enrolment to follow;
    its completion issues the certificate that supersedes this one."""
    from courses.models import CoursePage
    from learners.services import enrollment_get_or_create, enrollment_retake_start

    from ..selectors import certificate_renewal_open

    if certificate.enrollment.user_id != user.pk or not certificate_renewal_open(certificate):
        raise ValidationError(_("This certificate cannot be renewed now."), code="renewal_not_open")
    course = CoursePage.objects.get(pk=certificate.course_id)
    target = course.recertification_course or course
    enrollment, _created = enrollment_get_or_create(learner=user, course=target)
    if enrollment.status == enrollment.Status.COMPLETED:
        enrollment = enrollment_retake_start(enrollment=enrollment)
    return enrollment
