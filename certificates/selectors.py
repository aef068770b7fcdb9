"""Reads of certificates."""

from __future__ import annotations

import datetime as dt
import re
import uuid as uuid_lib

from django.db.models import Case, CharField, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .codes import check_code_matches
from .models import Certificate

SERIAL_RE = re.compile(r"^AC-\d{4}-\d{6}$")


def certificate_by_uuid(key: str) -> Certificate | None:
    """A certificate by its random UUID (the QR code's link), or None."""
    try:
        certificate_uuid = uuid_lib.UUID((key or "").strip())
    except ValueError:
        return None
    return (
        Certificate.objects.select_related("superseded_by", "enrollment")
        .filter(uuid=certificate_uuid)
        .first()
    )


def certificate_by_serial_and_code(serial: str, code: str) -> Certificate | None:
    """A certificate by its serial (any case) and the check code printed beside it.

    The serial alone never finds a certificate: serials are sequential.
    """
    serial = (serial or "").strip().upper()
    if not SERIAL_RE.match(serial):
        return None
    certificate = (
        Certificate.objects.select_related("superseded_by", "enrollment")
        .filter(serial=serial)
        .first()
    )
    if certificate is None or not check_code_matches(certificate.uuid, code):
        return None
    return certificate


def certificate_by_sha256(sha256: str) -> Certificate | None:
    return Certificate.objects.select_related("superseded_by").filter(sha256=sha256).first()


def certificates_for_user(*, user) -> QuerySet[Certificate]:
    """A learner's certificates, newest first (valid, revoked and superseded)."""
    if not getattr(user, "is_authenticated", False):
        return Certificate.objects.none()
    return Certificate.objects.filter(enrollment__user=user).select_related("superseded_by")


def certificate_valid_for_enrollment(*, enrollment) -> Certificate | None:
    return Certificate.objects.filter(
        enrollment=enrollment, status=Certificate.Status.VALID
    ).first()


def certificate_pdf_bytes(certificate: Certificate) -> bytes:
    with certificate.pdf.open("rb") as fh:
        return fh.read()


# -- validity (read by HR campaigns: hr/selectors/certificate_status.py) -------------


def valid_certificate_q(*, on: dt.date, prefix: str = "") -> Q:
    """Certificates valid on ``on``: neither revoked nor superseded, and not expired by
    that date (the expiry date is frozen at issue: nothing is recomputed here).

    ``prefix`` applies the condition across a relation, e.g. ``"certificates__"``."""
    return Q(**{f"{prefix}status": Certificate.Status.VALID}) & (
        Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": on})
    )


def users_with_valid_certificate(*, course_ids, on: dt.date | None = None) -> QuerySet:
    """Ids of the users holding a certificate of one of ``course_ids`` valid on ``on``
    (today by default): a lazy ``values("user_id")`` queryset, to be used as a subquery
    (``user_id__in=...``): one query for the caller, whatever the number of users.

    A certificate renewed through a recertification course counts for the course it
    certifies."""
    on = on or timezone.localdate()
    return (
        Certificate.objects.filter(valid_certificate_q(on=on), course_id__in=list(course_ids))
        .values_list("enrollment__user_id", flat=True)
        .distinct()
    )


def certificates_held_valid(
    *, user_ids, course_ids, on: dt.date | None = None
) -> dict[tuple[int, int], dt.date]:
    """(user id, course id) → the day since which the person has held that course's
    certificate (the issue date of their earliest certificate of it that was not revoked:
    renewals keep the first date), for the pairs holding one valid on ``on`` (today by
    default): not revoked, not superseded, not expired on that day. One query.

    The course is the certified course: a certificate renewed through a recertification
    course counts for the course it renews."""
    on = on or timezone.localdate()
    rows = (
        Certificate.objects.filter(
            enrollment__user_id__in=list(user_ids), course_id__in=list(course_ids)
        )
        .exclude(status=Certificate.Status.REVOKED)
        .annotate(
            valid_on=Case(When(valid_certificate_q(on=on), then=Value(True)), default=Value(False))
        )
        .values_list("enrollment__user_id", "course_id", "issued_at", "valid_on")
    )
    since: dict[tuple[int, int], dt.date] = {}
    valid: set[tuple[int, int]] = set()
    for user_id, course_id, issued_at, valid_on in rows:
        key = (user_id, course_id)
        day = timezone.localdate(issued_at)
        if key not in since or day < since[key]:
            since[key] = day
        if valid_on:
            valid.add(key)
    return {key: day for key, day in since.items() if key in valid}


def certificate_state(certificate: Certificate, *, on: dt.date | None = None) -> str:
    """``valid``, ``expired``, ``revoked`` or ``superseded`` on ``on`` (today by default)."""
    return certificate.state_on(on or timezone.localdate())


def certificates_renewal_due(*, on: dt.date) -> QuerySet[Certificate]:
    """Valid certificates whose recertification window is open on ``on`` (their course's
    window, counted back from their frozen expiry date) and whose holder was not reminded
    yet. Expired ones are included: their holder may still renew. Two queries: the
    windows of the courses concerned (a handful), then the certificates."""
    from courses.models import CoursePage

    pending = Certificate.objects.filter(
        status=Certificate.Status.VALID,
        valid_until__isnull=False,
        renewal_reminded_at__isnull=True,
    )
    windows = CoursePage.objects.filter(pk__in=pending.values("course_id").distinct()).values_list(
        "pk", "recertification_window_days"
    )
    due = Q(pk__in=[])
    for course_id, days in windows:
        due |= Q(course_id=course_id, valid_until__lte=on + dt.timedelta(days=days))
    return pending.filter(due)


CERTIFICATE_STATES = (
    ("valid", _("Valid")),
    ("expired", _("Expired")),
    ("revoked", _("Revoked")),
    ("superseded", _("Superseded")),
)


def certificate_state_today(*, on: dt.date | None = None, prefix: str = "") -> Case:
    """The state on ``on`` (today by default) as a database expression, for listings and
    exports: ``expired`` for a valid certificate past its frozen expiry date, otherwise
    the stored status."""
    on = on or timezone.localdate()
    return Case(
        When(
            **{f"{prefix}status": Certificate.Status.VALID, f"{prefix}valid_until__lt": on},
            then=Value("expired"),
        ),
        default=F(f"{prefix}status"),
        output_field=CharField(),
    )


def certificate_latest_annotations(*, enrollment_ref: str = "pk") -> dict:
    """Annotations of an enrolment queryset with its latest certificate's serial, expiry
    date and state today (``certificate_serial``, ``certificate_valid_until``,
    ``certificate_state``; None without a certificate): subqueries, no query per row."""
    latest = (
        Certificate.objects.filter(enrollment_id=OuterRef(enrollment_ref))
        .annotate(state_today=certificate_state_today())
        .order_by("-issued_at", "-id")
    )
    return {
        "certificate_serial": Subquery(latest.values("serial")[:1]),
        "certificate_valid_until": Subquery(latest.values("valid_until")[:1]),
        "certificate_state": Subquery(latest.values("state_today")[:1]),
    }


def certificate_renewal_open(certificate: Certificate, *, on: dt.date | None = None) -> bool:
    """May the holder renew this certificate on ``on``: it is valid (not revoked nor
    superseded), has an expiry date, and its course's recertification window is open
    (or it has expired). Reads ``certificate.course`` (select it with the certificate)."""
    if certificate.status != Certificate.Status.VALID or certificate.valid_until is None:
        return False
    on = on or timezone.localdate()
    days = certificate.course.recertification_window_days if certificate.course_id else 0
    return on >= certificate.valid_until - dt.timedelta(days=days)


def certificate_awards(*, enrollment_ids: list[int], language: str) -> dict:
    """``{enrollment id: learners.awards.Award}``: the latest valid certificate of each
    enrolment, with its expiry date written as on the certificate and the renewal link while
    its recertification window is open (the provider this app registers with learners)."""
    from django.urls import reverse

    from learners.awards import Award

    from .rendering.content import date_long

    today = timezone.localdate()
    rows = (
        Certificate.objects.filter(
            enrollment_id__in=enrollment_ids, status=Certificate.Status.VALID
        )
        .select_related("course")
        .order_by("-issued_at")
    )
    found = {}
    for certificate in rows:
        if certificate.enrollment_id in found:
            continue
        valid_until = certificate.valid_until
        renew_url = ""
        if certificate_renewal_open(certificate, on=today):
            renew_url = reverse("certificates:renew", kwargs={"uuid": certificate.uuid})
        found[certificate.enrollment_id] = Award(
            url=reverse("certificates:download", kwargs={"uuid": certificate.uuid}),
            serial=certificate.serial,
            valid_until=valid_until,
            valid_until_text=date_long(valid_until, language) if valid_until else "",
            expired=bool(valid_until and valid_until < today),
            renew_url=renew_url,
        )
    return found
