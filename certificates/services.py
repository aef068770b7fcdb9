"""Writes: issuing, re-issuing and revoking certificates.

Issuance is exactly-once per enrolment: the enrolment row is locked while the
certificate is built, a valid certificate already there is returned as is, and a
partial unique index (one ``valid`` certificate per enrolment) stops any writer that
got around the lock. A worker that dies mid-way leaves nothing in the database (one
transaction); at worst an orphan PDF file named after an unused UUID.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import threading
import uuid as uuid_lib
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from academy.territories.selectors import territory_lineage

from .models import Certificate, CertificateTemplate, SerialCounter
from .rendering import CertificateContent, CertificateRenderer
from .signing import signing_backend

logger = logging.getLogger(__name__)

SERIAL_PREFIX = "AC"
SNAPSHOT_VERSION = 1
PLATFORM_NAME_AR = "الأكاديمية"

DEFAULT_TEMPLATE = {
    "name": "Académie — modèle par défaut",
    "signatory_name_fr": "La Direction de la formation",
    "signatory_name_ar": "مديرية التكوين",
    "signatory_title_fr": "Plateforme Académie",
    "signatory_title_ar": "منصة الأكاديمية",
}


class CertificateIssueRefused(ValidationError):
    """The enrolment may not receive a certificate (not completed, revoked, ...)."""


# -- helpers -----------------------------------------------------------------------


def serial_format(year: int, number: int) -> str:
    return f"{SERIAL_PREFIX}-{year}-{number:06d}"


def serial_next(*, year: int) -> str:
    """Draws the next serial of ``year`` (call inside a transaction).

    One ``UPDATE ... RETURNING`` statement: the row lock it takes serialises
    concurrent issuers until commit, and a rolled-back issuance gives its number back.
    """
    table = connection.ops.quote_name(SerialCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET last = last + 1 WHERE year = %s RETURNING last", [year])
        row = cursor.fetchone()
    if row is None:  # first certificate of the year
        SerialCounter.objects.get_or_create(year=year)
        return serial_next(year=year)
    return serial_format(year, row[0])


def certificate_template_default() -> CertificateTemplate:
    template = CertificateTemplate.objects.order_by("id").first()
    if template is None:
        template, _created = CertificateTemplate.objects.get_or_create(
            name=DEFAULT_TEMPLATE["name"], defaults=DEFAULT_TEMPLATE
        )
    return template


def certificate_template_get(template_id: int | None) -> CertificateTemplate:
    """The course's own template, or the default one when the course names none."""
    if template_id:
        return CertificateTemplate.objects.get(pk=template_id)
    return certificate_template_default()


def _decimal_text(value) -> str | None:
    if value is None:
        return None
    return str(Decimal(value).quantize(Decimal("0.01")))


@dataclass(frozen=True)
class CourseFacts:
    """What a certificate prints of its course, read when it is issued."""

    page_id: int
    title_fr: str
    title_ar: str
    hours: Decimal | None
    awards_certificate: bool
    template_id: int | None


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


def certificate_verify_url(certificate_uuid) -> str:
    path = reverse("certificates:verify_detail", kwargs={"key": str(certificate_uuid)})
    return f"{settings.SITE_URL}{path}"


def certificate_snapshot_build(
    *, enrollment, course: CourseFacts, template, serial: str, certificate_uuid, issued_on
):
    """Everything printed on the certificate, frozen as plain JSON at issue time."""
    user = enrollment.user
    unit_id = enrollment.unit_at_completion_id or enrollment.unit_at_enrollment_id or user.unit_id
    units = [
        {"code": node.code, "level": node.level, "name_fr": node.name_fr, "name_ar": node.name_ar}
        for node in (territory_lineage(unit_id=unit_id) if unit_id else [])
    ]
    return {
        "version": SNAPSHOT_VERSION,
        "serial": serial,
        "uuid": str(certificate_uuid),
        "learner": {
            "name_latin": user.full_name_latin,
            "name_arabic": user.full_name_arabic,
            "matricule": user.matricule or "",
        },
        "course": {
            "page_id": course.page_id,
            "title_fr": course.title_fr,
            "title_ar": course.title_ar,
            "hours": _decimal_text(course.hours),
        },
        "final_score": _decimal_text(enrollment.final_score),
        "completed_at": enrollment.completed_at.isoformat() if enrollment.completed_at else None,
        "unit": units,
        "issued_on": issued_on.isoformat(),
        "signatory": {
            "name_fr": template.signatory_name_fr,
            "name_ar": template.signatory_name_ar,
            "title_fr": template.signatory_title_fr,
            "title_ar": template.signatory_title_ar,
        },
        "template": {
            "id": template.pk,
            "name": template.name,
            "layout_version": template.layout_version,
        },
        "platform": {
            "name_fr": settings.WAGTAIL_SITE_NAME,
            "name_ar": PLATFORM_NAME_AR,
            "url": settings.SITE_URL,
        },
    }


_renderer = None
_renderer_lock = threading.Lock()


def certificate_renderer() -> CertificateRenderer:
    """One renderer per process (fonts registered once)."""
    global _renderer
    if _renderer is None:
        with _renderer_lock:
            if _renderer is None:
                _renderer = CertificateRenderer()
    return _renderer


def _image_source(image):
    if image is None:
        return None
    try:
        return image.file.path
    except (NotImplementedError, ValueError):
        with image.file.open("rb") as fh:
            return io.BytesIO(fh.read())


def certificate_pdf_build(*, snapshot: dict, template: CertificateTemplate | None) -> bytes:
    """Renders and signs the PDF of a snapshot."""
    content = CertificateContent.from_snapshot(
        snapshot,
        verify_url=certificate_verify_url(snapshot["uuid"]),
        logo_path=_image_source(template.logo) if template else None,
        seal_path=_image_source(template.seal) if template else None,
    )
    pdf = certificate_renderer().render(content)
    return signing_backend().sign(
        pdf,
        reason=f"Certificat {snapshot['serial']} / {snapshot['course']['title_fr']}",
        location=snapshot["platform"]["url"],
    )


# -- issuance ------------------------------------------------------------------------


class _Locked(NamedTuple):
    enrollment: object
    course: CourseFacts
    valid_certificate_id: int | None
    has_revoked_certificate: bool


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
            course_template_id=F("course__certificate_template_id"),
            valid_certificate_id=Subquery(
                held.filter(status=Certificate.Status.VALID).values("pk")[:1]
            ),
            has_revoked_certificate=Exists(held.filter(status=Certificate.Status.REVOKED)),
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
    )
    return _Locked(locked, course, locked.valid_certificate_id, locked.has_revoked_certificate)


def _check_issuable(locked: _Locked, *, allow_after_revocation: bool) -> None:
    if locked.enrollment.status != "completed":
        raise CertificateIssueRefused(
            _("The enrolment is not completed: no certificate can be issued."), code="not_completed"
        )
    if not locked.course.awards_certificate:
        raise CertificateIssueRefused(
            _("This course does not award a certificate."), code="no_certificate"
        )
    if not allow_after_revocation and locked.has_revoked_certificate:
        raise CertificateIssueRefused(
            _("A certificate of this enrolment was revoked: issue a new one from the admin."),
            code="revoked",
        )


def _certificate_create(*, locked: _Locked, issued_by=None, template=None) -> Certificate:
    """Builds, signs and stores a new valid certificate. Call inside a transaction."""
    template = template or certificate_template_get(locked.course.template_id)
    now = timezone.now()
    issued_on = timezone.localdate(now)
    certificate_uuid = uuid_lib.uuid4()
    serial = serial_next(year=issued_on.year)
    snapshot = certificate_snapshot_build(
        enrollment=locked.enrollment,
        course=locked.course,
        template=template,
        serial=serial,
        certificate_uuid=certificate_uuid,
        issued_on=issued_on,
    )
    pdf = certificate_pdf_build(snapshot=snapshot, template=template)
    certificate = Certificate(
        uuid=certificate_uuid,
        serial=serial,
        enrollment=locked.enrollment,
        template=template,
        status=Certificate.Status.VALID,
        issued_at=now,
        issued_by=issued_by,
        snapshot=snapshot,
        sha256=hashlib.sha256(pdf).hexdigest(),
        signature_backend=signing_backend().describe(),
    )
    certificate.pdf.save(f"{certificate_uuid}.pdf", ContentFile(pdf), save=False)
    try:
        certificate.save()
    except Exception:
        certificate.pdf.storage.delete(certificate.pdf.name)
        raise
    return certificate


def certificate_issue(
    *, enrollment, issued_by=None, allow_after_revocation: bool = False
) -> Certificate:
    """The valid certificate of a completed enrolment, issued now if it has none.

    Idempotent: calling it again (a retried task, two workers) returns the same
    certificate. Raises :class:`CertificateIssueRefused` for an enrolment that is not
    completed, or whose certificate was revoked (unless ``allow_after_revocation``,
    for an administrator's explicit decision).
    """
    try:
        with transaction.atomic():
            locked = _enrollment_locked(enrollment)
            if locked.valid_certificate_id is not None:
                return Certificate.objects.get(pk=locked.valid_certificate_id)
            _check_issuable(locked, allow_after_revocation=allow_after_revocation)
            certificate = _certificate_create(locked=locked, issued_by=issued_by)
    except IntegrityError:
        # Another writer committed the enrolment's certificate first.
        existing = Certificate.objects.filter(
            enrollment_id=enrollment.pk, status=Certificate.Status.VALID
        ).first()
        if existing is None:
            raise
        return existing
    logger.info("Certificate %s issued for enrolment %s", certificate.serial, enrollment.pk)
    return certificate


def certificate_reissue(*, certificate: Certificate, issued_by=None) -> Certificate:
    """Issues a fresh certificate (e.g. after a name correction) and supersedes the old.

    The new certificate takes today's data (names, unit, titles); the old one stays
    verifiable and points to the new one.
    """
    with transaction.atomic():
        old = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if old.status != Certificate.Status.VALID:
            raise ValidationError(
                _("Only a valid certificate can be re-issued (this one is %(status)s).")
                % {"status": old.get_status_display()},
                code="not_valid",
            )
        locked = _enrollment_locked(old.enrollment)
        now = timezone.now()
        # Free the "one valid certificate" slot first, then link once the new one exists.
        Certificate.objects.filter(pk=old.pk).update(
            status=Certificate.Status.SUPERSEDED, superseded_at=now
        )
        new = _certificate_create(locked=locked, issued_by=issued_by, template=old.template)
        Certificate.objects.filter(pk=old.pk).update(superseded_by=new)
    logger.info("Certificate %s re-issued as %s", old.serial, new.serial)
    return new


def certificate_revoke(*, certificate: Certificate, revoked_by, reason: str) -> Certificate:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the revocation."), code="reason_required")
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.status != Certificate.Status.VALID:
            raise ValidationError(
                _("Only a valid certificate can be revoked (this one is %(status)s).")
                % {"status": locked.get_status_display()},
                code="not_valid",
            )
        locked.status = Certificate.Status.REVOKED
        locked.revoked_at = timezone.now()
        locked.revocation_reason = reason
        locked.revoked_by = revoked_by
        locked.save(update_fields=["status", "revoked_at", "revocation_reason", "revoked_by"])
    logger.info("Certificate %s revoked", locked.serial)
    return locked
