"""Enrolments: self-enrolment and the one creation path used by every other writer."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import course_tree
from ..models import Enrollment
from ..xapi import ACTIVITY_TYPES, VERBS, activity_iri
from .statements import statement_append


def event_id(*parts) -> uuid.UUID:
    """Deterministic statement id of a server-side learning event."""
    return uuid.uuid5(uuid.NAMESPACE_URL, "academie:" + ":".join(str(p) for p in parts))


def course_name(course) -> dict:
    return {"fr": course.title}


def enrollment_get_or_create(
    *, learner, course, source: str = Enrollment.Source.SELF, enrolled_by=None
) -> tuple[Enrollment, bool]:
    """The learner's enrolment in ``course`` (canonical page), created if needed.

    Records the learner's unit at enrolment. Safe under double clicks and concurrent
    requests: the unique (user, course) constraint decides, the loser reads the winner's row.
    """
    course = course_tree.canonical_course(course)
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
