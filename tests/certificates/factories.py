"""Minimal enrolments for the certificate tests, built with the real models."""

from __future__ import annotations

import itertools
from decimal import Decimal

from django.utils import timezone
from wagtail.models import Locale, Page

from certificates.models import CertificateTemplate, CourseCertificateTemplate
from courses.models import CataloguePage, CoursePage
from learners.models import Enrollment
from tests import factories as base

_n = itertools.count(1)


def catalogue() -> CataloguePage:
    locale = Locale.objects.get_or_create(language_code="fr")[0]
    existing = CataloguePage.objects.filter(locale=locale).first()
    if existing:
        return existing
    root = Page.get_first_root_node()
    return root.add_child(
        instance=CataloguePage(title="Catalogue", slug=f"catalogue-{next(_n)}", locale=locale)
    )


def course(
    *, title_fr: str, title_ar: str | None = None, hours="12.5", template=None
) -> CoursePage:
    n = next(_n)
    page = catalogue().add_child(
        instance=CoursePage(
            title=title_fr,
            slug=f"cours-cert-{n}",
            summary="Résumé",
            theme="digital-basics",
            estimated_hours=Decimal(hours),
            awards_certificate=True,
        )
    )
    if template is not None:
        CourseCertificateTemplate.objects.create(course=page, template=template)
    if title_ar:
        ar = Locale.objects.get_or_create(language_code="ar")[0]
        translation = page.copy_for_translation(ar, copy_parents=True)
        translation.title = title_ar
        translation.save()
    return page


def template(**kw) -> CertificateTemplate:
    defaults = {
        "name": f"Modèle {next(_n)}",
        "signatory_name_fr": "Ahmed Benali",
        "signatory_name_ar": "أحمد بنعلي",
        "signatory_title_fr": "Directeur de la formation",
        "signatory_title_ar": "مدير التكوين",
    }
    defaults.update(kw)
    return CertificateTemplate.objects.create(**defaults)


def completed_enrollment(
    *, user=None, course_page=None, unit=None, score="87.50", **user_kw
) -> Enrollment:
    if user is None:
        user = base.UserFactory(unit=unit, **user_kw)
    if course_page is None:
        course_page = course(title_fr=f"Cours {next(_n)}", title_ar="دورة")
    now = timezone.now()
    return Enrollment.objects.create(
        user=user,
        course=course_page,
        status=Enrollment.Status.COMPLETED,
        completed_at=now,
        unit_at_enrollment=unit or user.unit,
        unit_at_completion=unit or user.unit,
        final_score=Decimal(score) if score is not None else None,
        progress_percent=100,
    )
