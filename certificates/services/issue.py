"""Writes: issuing, re-issuing and revoking certificates.

Issuance is exactly-once per enrolment, and no issuer waits behind another one's
signature: a short transaction locks the enrolment and reserves a serial and a UUID
(:class:`~certificates.models.CertificateReservation`); the PDF is rendered, signed and
time-stamped with no transaction open; a second short transaction locks the enrolment
again and stores the certificate unless a valid one is already there (the loser deletes
its file). A partial unique index (one ``valid`` certificate per enrolment) stops any
writer that got around the lock.

Serials: unique, increasing with the moment they were reserved, and gap-less in every
ordinary case, including a worker killed mid-signature and two deliveries at once (both
reuse the enrolment's reservation). A gap is left only when a reservation is never
stored: the enrolment stopped being eligible while its certificate was being signed,
or an administrator re-issued a certificate whose first issue was still pending. A
worker killed after writing the file and before storing leaves an orphan PDF named
after the reserved UUID (the retry writes its own copy beside it)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import uuid as uuid_lib
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from ..models import Certificate, CertificateReservation
from ..signals import certificate_renewed
from ..signing import signing_backend
from .pdf import certificate_pdf_build
from .serials import serial_next
from .snapshot import CourseFacts, certificate_snapshot_build, months_after
from .templates import certificate_template_get

logger = logging.getLogger("certificates.services")


class CertificateIssueRefused(ValidationError):
    """The enrolment may not receive a certificate (not completed, revoked, ...)."""


# -- issuance ------------------------------------------------------------------------


class _Locked(NamedTuple):
    enrollment: object
    course: CourseFacts
    valid_certificate_id: int | None
    has_revoked_certificate: bool
    # The valid certificate a new one must supersede: this enrolment's own, issued before
    # the enrolment's latest completion (the course re-taken to recertify), or one of the
    # learner's certificates of a course whose recertification course this one is.
    renews_id: int | None = None

    @property
    def holds_current_certificate(self) -> bool:
        """The enrolment's valid certificate already records its latest completion."""
        return self.valid_certificate_id is not None and self.renews_id is None


@functools.cache
def _issuing_read():
    """The locked read of :func:`_enrollment_locked`, built once per process.

    Resolving these annotations costs Django more than PostgreSQL takes to run the
    query; the queryset is never evaluated itself, only cloned by ``get()``.
    """
    from learners.models import Enrollment

    held = Certificate.objects.filter(enrollment=OuterRef("pk"))
    return (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("user")
        .annotate(
            course_title_fr=F("course__title"),
            course_title_ar=_arabic_title("course"),
            course_hours=F("course__estimated_hours"),
            course_awards_certificate=F("course__awards_certificate"),
            course_template_id=F("course__certificate_template_link__template_id"),
            course_validity_months=F("course__certificate_validity_months"),
            valid_certificate_id=Subquery(
                held.filter(status=Certificate.Status.VALID).values("pk")[:1]
            ),
            valid_certificate_issued_at=Subquery(
                held.filter(status=Certificate.Status.VALID).values("issued_at")[:1]
            ),
            has_revoked_certificate=Exists(held.filter(status=Certificate.Status.REVOKED)),
            # A recertification course: the learner's valid certificate it renews.
            renewed_certificate_id=Subquery(
                Certificate.objects.filter(
                    enrollment__user_id=OuterRef("user_id"),
                    course__recertification_course_id=OuterRef("course_id"),
                    status=Certificate.Status.VALID,
                )
                .order_by("-issued_at")
                .values("pk")[:1]
            ),
        )
    )


def _enrollment_locked(enrollment) -> _Locked:
    """Locks the enrolment row and reads everything issuing needs in the same query.

    The learner is joined; the course facts and the certificates the enrolment already
    holds come as annotations. Joining the units too, or selecting the course page
    instance, made PostgreSQL plan (or Django build) for several milliseconds per
    certificate: ``bench/certificates.py`` measures it.
    """
    locked = _issuing_read().get(pk=enrollment.pk)
    course = CourseFacts(
        page_id=locked.course_id,
        title_fr=locked.course_title_fr,
        title_ar=locked.course_title_ar or locked.course_title_fr,
        hours=locked.course_hours,
        awards_certificate=locked.course_awards_certificate,
        template_id=locked.course_template_id,
        validity_months=locked.course_validity_months or 0,
    )
    renews_id = None
    if locked.valid_certificate_id is not None:
        if locked.completed_at and locked.valid_certificate_issued_at < locked.completed_at:
            renews_id = locked.valid_certificate_id
    else:
        renews_id = locked.renewed_certificate_id
    return _Locked(
        locked,
        course,
        locked.valid_certificate_id,
        locked.has_revoked_certificate,
        renews_id,
    )


def _certified_course_facts(course_id: int, *, awards_certificate: bool = True) -> CourseFacts:
    """The facts of the course a certificate certifies, when it is not the enrolment's
    course (renewed through a recertification course)."""
    from courses.models import CoursePage

    row = (
        CoursePage.objects.filter(pk=course_id)
        .annotate(title_ar=_arabic_title_of_page())
        .values(
            "title",
            "title_ar",
            "estimated_hours",
            "certificate_template_link__template_id",
            "certificate_validity_months",
        )
        .get()
    )
    return CourseFacts(
        page_id=course_id,
        title_fr=row["title"],
        title_ar=row["title_ar"] or row["title"],
        hours=row["estimated_hours"],
        awards_certificate=awards_certificate,
        template_id=row["certificate_template_link__template_id"],
        validity_months=row["certificate_validity_months"] or 0,
    )


def _arabic_title(course_path: str):
    """The title of the Arabic translation of the course at ``course_path`` (NULL: none)."""
    return Subquery(
        Page.objects.filter(
            translation_key=OuterRef(f"{course_path}__translation_key"),
            locale__language_code="ar",
        )
        .exclude(pk=OuterRef(f"{course_path}_id"))
        .values("title")[:1]
    )


def _arabic_title_of_page():
    return Subquery(
        Page.objects.filter(translation_key=OuterRef("translation_key"), locale__language_code="ar")
        .exclude(pk=OuterRef("pk"))
        .values("title")[:1]
    )


def _check_issuable(locked: _Locked, *, allow_after_revocation: bool) -> None:
    if locked.enrollment.status != "completed":
        raise CertificateIssueRefused(
            _("The enrolment is not completed: no certificate can be issued."), code="not_completed"
        )
    if not locked.course.awards_certificate:
        raise CertificateIssueRefused(
            _("This course does not award a certificate."), code="no_certificate"
        )
    # (Renewing a valid certificate: an administrator already decided after the revocation.)
    if (
        not allow_after_revocation
        and locked.has_revoked_certificate
        and locked.valid_certificate_id is None
    ):
        raise CertificateIssueRefused(
            _("A certificate of this enrolment was revoked: issue a new one from the admin."),
            code="revoked",
        )


def _reserve(
    *,
    locked: _Locked,
    issued_by=None,
    template=None,
    replaces=None,
    reissue: bool = False,
    issued_at=None,
):
    """The reservation of the enrolment's next certificate (call holding the enrolment lock).

    A reservation left by an earlier delivery for the same purpose is reused as is; one
    for another purpose (a first issue left behind by a certificate issued since) is
    dropped and its serial stays unused: the only case of a gap in the numbering."""
    replaces_id = replaces.pk if replaces is not None else None
    reservation = CertificateReservation.objects.filter(enrollment_id=locked.enrollment.pk).first()
    if reservation is not None:
        if reservation.replaces_id == replaces_id:
            return reservation
        reservation.delete()
    course = locked.course
    if replaces is not None and replaces.course_id and replaces.course_id != course.page_id:
        # Renewed (or re-issued) certificate of another course: it certifies that course.
        course = _certified_course_facts(replaces.course_id)
    template = template or certificate_template_get(course.template_id)
    now = issued_at or timezone.now()
    issued_on = timezone.localdate(now)
    if reissue:  # a correction: the same certification, the same expiry
        valid_until = replaces.valid_until
    elif course.validity_months:
        valid_until = months_after(issued_on, course.validity_months)
    else:
        valid_until = None
    certificate_uuid = uuid_lib.uuid4()
    snapshot = certificate_snapshot_build(
        enrollment=locked.enrollment,
        course=course,
        template=template,
        serial="",
        certificate_uuid=certificate_uuid,
        issued_on=issued_on,
        valid_until=valid_until,
        renews=replaces.serial if replaces is not None and not reissue else "",
    )
    # Last, so the counter row stays locked only for the insert that follows.
    snapshot["serial"] = serial_next(year=issued_on.year)
    return CertificateReservation.objects.create(
        enrollment_id=locked.enrollment.pk,
        replaces_id=replaces_id,
        serial=snapshot["serial"],
        uuid=certificate_uuid,
        template=template,
        issued_at=now,
        issued_by=issued_by,
        snapshot=snapshot,
    )


def _certificate_render(reservation: CertificateReservation) -> Certificate:
    """Renders, signs (and time-stamps) the reserved certificate and writes its file.

    Runs with no transaction open: no row lock waits for the signature. Returns the
    unsaved certificate; :func:`_discard` removes its file when it is not stored."""
    template = reservation.template
    pdf = certificate_pdf_build(snapshot=reservation.snapshot, template=template)
    valid_until = reservation.snapshot.get("valid_until")
    certificate = Certificate(
        uuid=reservation.uuid,
        serial=reservation.serial,
        enrollment_id=reservation.enrollment_id,
        course_id=reservation.snapshot["course"]["page_id"],
        valid_until=dt.date.fromisoformat(valid_until) if valid_until else None,
        template=template,
        status=Certificate.Status.VALID,
        issued_at=reservation.issued_at,
        issued_by_id=reservation.issued_by_id,
        snapshot=reservation.snapshot,
        sha256=hashlib.sha256(pdf).hexdigest(),
        signature_backend=signing_backend().describe(),
    )
    certificate.pdf.save(f"{reservation.uuid}.pdf", ContentFile(pdf), save=False)
    return certificate


def _discard(certificate: Certificate) -> None:
    if certificate.pdf.name:
        certificate.pdf.storage.delete(certificate.pdf.name)


def _store(*, certificate: Certificate, reservation_id: int) -> bool:
    """Saves the rendered certificate and consumes its reservation (inside a transaction
    holding the enrolment lock). False when the reservation is gone: another delivery
    of the same reservation stored it first, or it was dropped."""
    consumed, _by_model = CertificateReservation.objects.filter(
        pk=reservation_id, uuid=certificate.uuid
    ).delete()
    if not consumed:
        return False
    certificate.save()
    return True


def certificate_issue(
    *, enrollment, issued_by=None, allow_after_revocation: bool = False, issued_at=None
) -> Certificate:
    """The valid certificate of a completed enrolment, issued now if it has none.

    Idempotent: calling it again (a retried task, two workers) returns the same
    certificate. Raises :class:`CertificateIssueRefused` for an enrolment that is not
    completed, or whose certificate was revoked (unless ``allow_after_revocation``,
    for an administrator's explicit decision).

    Three steps, so that no issuer waits behind another one's signature: a short
    transaction reserves the serial (:func:`_reserve`), the PDF is rendered and signed
    with no lock held, a second short transaction stores it. Exactly-once: the second
    transaction locks the enrolment again and stores only if it still has no valid
    certificate of its latest completion (the partial unique index backs this up); a
    loser deletes its file.

    Recertification: when the enrolment was completed again after its valid certificate
    was issued (the course re-taken), or is an enrolment in the recertification course of
    a course the learner holds a valid certificate of, the new certificate supersedes
    that one in the transaction that stores it.

    ``issued_at``: a past issue moment, for back-dated demo data only (the expiry date
    follows from it as for any certificate).
    """
    with transaction.atomic():
        locked = _enrollment_locked(enrollment)
        if locked.holds_current_certificate:
            return Certificate.objects.get(pk=locked.valid_certificate_id)
        _check_issuable(locked, allow_after_revocation=allow_after_revocation)
        renews = Certificate.objects.get(pk=locked.renews_id) if locked.renews_id else None
        reservation = _reserve(
            locked=locked, issued_by=issued_by, replaces=renews, issued_at=issued_at
        )
    certificate = _certificate_render(reservation)
    try:
        with transaction.atomic():
            locked = _enrollment_locked(enrollment)
            if locked.holds_current_certificate:
                _discard(certificate)
                return Certificate.objects.get(pk=locked.valid_certificate_id)
            _check_issuable(locked, allow_after_revocation=allow_after_revocation)
            superseded = _supersede_for_renewal(reservation.replaces_id)
            if not _store(certificate=certificate, reservation_id=reservation.pk):
                raise IntegrityError("the reservation was consumed by another delivery")
            if superseded:
                Certificate.objects.filter(pk=reservation.replaces_id).update(
                    superseded_by=certificate
                )
    except IntegrityError:
        _discard(certificate)
        existing = Certificate.objects.filter(
            enrollment_id=enrollment.pk, status=Certificate.Status.VALID
        ).first()
        if existing is None:
            raise
        return existing
    except BaseException:
        _discard(certificate)
        raise
    logger.info("Certificate %s issued for enrolment %s", certificate.serial, enrollment.pk)
    if superseded:
        certificate_renewed.send(
            sender=Certificate, certificate=certificate, previous_id=superseded
        )
    return certificate


def _supersede_for_renewal(certificate_id: int | None) -> int | None:
    """Marks the certificate a renewal replaces as superseded (inside the storing
    transaction, before the new one takes the "one valid per enrolment" slot). A
    certificate revoked or superseded meanwhile is left as it is."""
    if certificate_id is None:
        return None
    updated = Certificate.objects.filter(pk=certificate_id, status=Certificate.Status.VALID).update(
        status=Certificate.Status.SUPERSEDED, superseded_at=timezone.now()
    )
    return certificate_id if updated else None


def _superseded_check(old: Certificate) -> None:
    if old.status != Certificate.Status.VALID:
        raise ValidationError(
            _("Only a valid certificate can be re-issued (this one is %(status)s).")
            % {"status": old.get_status_display()},
            code="not_valid",
        )


def certificate_reissue(*, certificate: Certificate, issued_by=None) -> Certificate:
    """Issues a fresh certificate (e.g. after a name correction) and supersedes the old.

    The new certificate takes today's data (names, unit, titles); the old one stays
    verifiable and points to the new one. Rendered and signed with no lock held, as
    :func:`certificate_issue`; the old one is superseded in the transaction that stores
    the new one.
    """
    with transaction.atomic():
        old = Certificate.objects.select_for_update().get(pk=certificate.pk)
        _superseded_check(old)
        locked = _enrollment_locked(old.enrollment)
        reservation = _reserve(
            locked=locked, issued_by=issued_by, template=old.template, replaces=old, reissue=True
        )
    new = _certificate_render(reservation)
    try:
        with transaction.atomic():
            old = Certificate.objects.select_for_update().get(pk=certificate.pk)
            _superseded_check(old)
            _enrollment_locked(old.enrollment)
            # Free the "one valid certificate" slot first, then link once the new one exists.
            Certificate.objects.filter(pk=old.pk).update(
                status=Certificate.Status.SUPERSEDED, superseded_at=timezone.now()
            )
            if not _store(certificate=new, reservation_id=reservation.pk):
                raise ValidationError(
                    _("This certificate is being re-issued already."), code="busy"
                )
            Certificate.objects.filter(pk=old.pk).update(superseded_by=new)
    except BaseException:
        _discard(new)
        raise
    logger.info("Certificate %s re-issued as %s", old.serial, new.serial)
    return new


def certificates_missing(*, completed_before) -> list[int]:
    """Completed enrolments of courses that award a certificate, completed before
    ``completed_before``, that hold no certificate at all (a revoked one counts: it is
    not re-issued automatically). Their issuing task was lost (a worker killed while
    holding it: the broker gives it back only after its visibility timeout)."""
    from learners.models import Enrollment

    return list(
        Enrollment.objects.filter(
            status=Enrollment.Status.COMPLETED,
            completed_at__lt=completed_before,
            course__awards_certificate=True,
        )
        .exclude(Exists(Certificate.objects.filter(enrollment=OuterRef("pk"))))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
