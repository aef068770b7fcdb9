"""Enrolments: self-enrolment and the one creation path used by every other writer."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from courses import selectors as courses_selectors

from ..models import Enrollment
from ..xapi import ACTIVITY_TYPES, VERBS, activity_iri
from .statements import statement_append


def event_id(*parts) -> uuid.UUID:
    """Deterministic statement id of a server-side learning event.

    Keyed with the site's secret (HMAC): a client, who may choose its own statements' ids,
    cannot compute the id of another learner's future event and claim it first."""
    name = "academie:" + ":".join(str(p) for p in parts)
    digest = salted_hmac("learners.xapi.event-id", name, algorithm="sha256").digest()
    return uuid.UUID(bytes=digest[:16], version=4)


def course_name(course) -> dict:
    return {"fr": course.title}


def enrollment_get_or_create(
    *, learner, course, source: str = Enrollment.Source.SELF, enrolled_by=None
) -> tuple[Enrollment, bool]:
    """The learner's enrolment in ``course`` (canonical page), created if needed.

    Records the learner's unit at enrolment. Safe under double clicks and concurrent
    requests: the unique (user, course) constraint decides, the loser reads the winner's row.
    """
    course = courses_selectors.canonical_course(course)
    existing = Enrollment.objects.filter(user=learner, course=course).first()
    if existing is not None:
        return existing, False
    if not course.live:
        raise ValidationError(_("This course is not published: enrolment is not possible."))
    now = timezone.now()
    try:
        with transaction.atomic():
            enrollment = Enrollment.objects.create(
                user=learner,
                course=course,
                enrolled_at=now,
                last_activity_at=now,
                unit_at_enrollment_id=learner.unit_id,
                source=source,
                enrolled_by=enrolled_by,
            )
            statement_append(
                user=learner,
                verb=VERBS["registered"],
                object_id=activity_iri("course", course.pk),
                name=course_name(course),
                activity_type=ACTIVITY_TYPES["course"],
                statement_id=event_id("enrollment", enrollment.pk, "registered"),
                timestamp=now,
            )
    except IntegrityError:
        return Enrollment.objects.get(user=learner, course=course), False
    from ..tasks import send_enrollment_confirmation

    send_enrollment_confirmation.delay_on_commit(enrollment.pk)
    return enrollment, True


def enrollment_create(*, learner, course) -> Enrollment:
    """Self-enrolment (contract: docs/architecture.md)."""
    enrollment, _created = enrollment_get_or_create(learner=learner, course=course)
    return enrollment


def enrollment_retake_start(*, enrollment: Enrollment) -> Enrollment:
    """A learner re-takes a completed course to renew its certificate.

    The enrolment becomes active again and its ``completed_at`` records when the re-take
    started (the previous completion date stays on the certificate and in the learning
    record): an active enrolment with a completion date is being re-taken, and the final
    assessment counts only the attempts submitted since then (``final_attempts_since``).
    Its next completion replaces the date, and the new certificate supersedes the old one.
    Idempotent."""
    with transaction.atomic():
        locked = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if locked.status != Enrollment.Status.COMPLETED:
            return locked
        now = timezone.now()
        locked.status = Enrollment.Status.ACTIVE
        locked.completed_at = now
        locked.last_activity_at = now
        locked.save(update_fields=["status", "completed_at", "last_activity_at"])
    return locked
