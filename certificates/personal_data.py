"""What the certificates app holds about a person (registered with
``academy.accounts.personal_data`` in ``CertificatesConfig.ready``)."""

from __future__ import annotations


def _iso(value):
    return value.isoformat() if value is not None else None


def personal_data_export(*, user) -> dict:
    from .models import Certificate
    from .services import certificate_verify_url

    certificates = Certificate.objects.filter(enrollment__user=user).order_by("issued_at")
    return {
        "certificates": [
            {
                "serial": c.serial,
                "status": c.status,
                "status_label": str(c.get_status_display()),
                "issued_at": _iso(c.issued_at),
                "verify_url": certificate_verify_url(c.uuid),
            }
            for c in certificates
        ]
    }


def personal_data_erase(*, user) -> None:
    """Certificates stay verifiable ("issued; the holder's data was erased"): the learner
    part of the snapshot and the PDF (it prints the name) go."""
    from .models import Certificate

    for certificate in Certificate.objects.filter(enrollment__user=user):
        snapshot = dict(certificate.snapshot or {})
        snapshot["learner"] = {"erased": True}
        if certificate.pdf:
            certificate.pdf.delete(save=False)
        certificate.snapshot = snapshot
        certificate.pdf = ""
        certificate.save(update_fields=["snapshot", "pdf"])


def register() -> None:
    from academy.accounts.personal_data import (
        PersonalDataProvider,
        personal_data_provider_register,
    )

    personal_data_provider_register(
        "certificates",
        PersonalDataProvider(export=personal_data_export, erase=personal_data_erase),
    )
