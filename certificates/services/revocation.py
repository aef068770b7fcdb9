"""Revoking a certificate (it stays verifiable, marked revoked with its reason)."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Certificate

logger = logging.getLogger("certificates.services")


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
