"""Certificate templates and issued certificates.

No business logic lives here: issuance, re-issue and revocation are in
``certificates.services``; reads in ``certificates.selectors``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificateTemplate(models.Model):
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

    # Issued in bulk by workers: no reference-index update task per row.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-id"]
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
