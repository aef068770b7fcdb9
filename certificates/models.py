"""Certificate templates and issued certificates.

No business logic lives here: issuance, re-issue and revocation are in
``certificates.services``; reads in ``certificates.selectors``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel


class CertificateTemplate(ClusterableModel):
    """The look and the signatory of a family of certificates."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    signatory_name_fr = models.CharField(_("signatory name (French)"), max_length=200)
    signatory_name_ar = models.CharField(_("signatory name (Arabic)"), max_length=200)
    signatory_title_fr = models.CharField(_("signatory title (French)"), max_length=200)
    signatory_title_ar = models.CharField(_("signatory title (Arabic)"), max_length=200)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    seal = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("seal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    layout_version = models.PositiveSmallIntegerField(
        _("layout version"),
        default=1,
        help_text=_("Frozen into every certificate issued with this template."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CourseCertificateTemplate(models.Model):
    """The template a course's certificates are issued with (certificates owns this link;
    edited on the template, "Courses"). A course without a row uses the default template."""

    template = ParentalKey(
        CertificateTemplate,
        verbose_name=_("certificate template"),
        on_delete=models.CASCADE,
        related_name="course_links",
    )
    course = models.OneToOneField(
        "courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="certificate_template_link",
    )

    class Meta:
        verbose_name = _("course using the template")
        verbose_name_plural = _("courses using the template")

    def __str__(self) -> str:
        return f"{self.course} → {self.template}"

    def clean(self):
        """Certificates are issued for the source-language course (its translations share
        it): a translation chosen here would never be used."""
        from django.core.exceptions import ValidationError

        from courses.selectors import page_canonical

        if self.course_id and page_canonical(self.course).pk != self.course_id:
            raise ValidationError(
                {"course": _("Choose the course in its source language (French).")}
            )


def private_storage():
    """Certificates are never served from MEDIA_URL: downloads go through a view."""
    from django.core.files.storage import storages

    return storages["private"]


def certificate_upload_to(instance, filename):
    return f"certificates/{instance.issued_at:%Y}/{instance.uuid}.pdf"


class Certificate(models.Model):
    """An issued certificate: a frozen snapshot, its signed PDF and its status."""

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Superseded")

    uuid = models.UUIDField(_("UUID"), default=uuid.uuid4, unique=True, editable=False)
    serial = models.CharField(_("serial number"), max_length=20, unique=True, editable=False)
    enrollment = models.ForeignKey(
        "learners.Enrollment",
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    template = models.ForeignKey(
        CertificateTemplate,
        verbose_name=_("template"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.VALID, db_index=True
    )
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty when issued automatically on course completion."),
    )
    snapshot = models.JSONField(_("frozen snapshot"), editable=False)
    pdf = models.FileField(
        _("signed PDF"), storage=private_storage, upload_to=certificate_upload_to, max_length=200
    )
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, unique=True, editable=False)
    signature_backend = models.CharField(_("signed by backend"), max_length=200, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.TextField(_("revocation reason"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    superseded_by = models.OneToOneField(
        "self",
        verbose_name=_("superseded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
    )
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    # The course this certificate certifies: the enrolment's course, or, for a certificate
    # renewed through a recertification course, the course whose certificate it renews.
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("certified course"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A copy of the snapshot's ``valid_until``, frozen at issue time (never recomputed from
    # the course), so that "valid on a date" is a plain indexed filter. Empty: no expiry.
    valid_until = models.DateField(_("valid until"), null=True, blank=True, editable=False)
    renewal_reminded_at = models.DateTimeField(
        _("renewal reminder sent at"), null=True, blank=True, editable=False
    )

    # Issued in bulk by workers: no reference-index update task per row.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["course", "status", "valid_until"])]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment"],
                condition=models.Q(status="valid"),
                name="certificates_one_valid_per_enrollment",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="revoked") | models.Q(revoked_at__isnull=False),
                name="certificates_revoked_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.serial

    def state_on(self, day) -> str:
        """``valid``, ``expired``, ``revoked`` or ``superseded`` on ``day`` (by date: no
        job flips the stored status when a certificate expires)."""
        if self.status == self.Status.VALID and self.valid_until and self.valid_until < day:
            return "expired"
        return self.status

    @property
    def learner_name(self) -> str:
        return self.snapshot.get("learner", {}).get("name_latin", "")

    @property
    def course_title(self) -> str:
        return self.snapshot.get("course", {}).get("title_fr", "")


class SerialCounter(models.Model):
    """Last serial number used per year: ``AC-<year>-<last>``.

    Incremented under a row lock (``select_for_update``) so that two workers never
    draw the same number.
    """

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("serial counter")
        verbose_name_plural = _("serial counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class CertificateReservation(models.Model):
    """The serial and UUID drawn for a certificate being rendered and signed.

    Issuing draws them in a short transaction, renders and signs with no lock held, then
    stores the certificate (and deletes this row) in a second short transaction. A
    delivery that finds a reservation of its enrolment reuses it: a retry after a worker
    died mid-signature, or a second delivery running at the same time, prints the same
    serial, so neither leaves a gap in the numbering.
    """

    enrollment = models.OneToOneField(
        "learners.Enrollment", on_delete=models.CASCADE, related_name="certificate_reservation"
    )
    replaces = models.ForeignKey(
        Certificate, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    serial = models.CharField(max_length=20, unique=True)
    uuid = models.UUIDField(unique=True)
    template = models.ForeignKey(
        CertificateTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    snapshot = models.JSONField()

    class Meta:
        verbose_name = _("certificate reservation")
        verbose_name_plural = _("certificate reservations")

    def __str__(self) -> str:
        return self.serial
