"""Certificate templates: the default one, a course's own."""

from __future__ import annotations

from ..models import CertificateTemplate

DEFAULT_TEMPLATE = {
    "name": "Académie — modèle par défaut",
    "signatory_name_fr": "La Direction de la formation",
    "signatory_name_ar": "مديرية التكوين",
    "signatory_title_fr": "Plateforme Académie",
    "signatory_title_ar": "منصة الأكاديمية",
}


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
