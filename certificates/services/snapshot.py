"""What a certificate freezes when it is issued (its snapshot: names, unit, course,
score, dates, expiry) and the address printed on it."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.urls import reverse

from academy.territories.selectors import territory_lineage

SNAPSHOT_VERSION = 2  # 2: valid_until (and renews)
PLATFORM_NAME_AR = "الأكاديمية"


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
    validity_months: int = 0


def months_after(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (31 January + 1 month: 28/29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def certificate_verify_url(certificate_uuid) -> str:
    path = reverse("certificates:verify_detail", kwargs={"key": str(certificate_uuid)})
    return f"{settings.SITE_URL}{path}"


def certificate_snapshot_build(
    *,
    enrollment,
    course: CourseFacts,
    template,
    serial: str,
    certificate_uuid,
    issued_on,
    valid_until: dt.date | None = None,
    renews: str = "",
):
    """Everything printed on the certificate, frozen as plain JSON at issue time.

    ``valid_until``: the expiry date, computed once here from the course's validity
    period (or kept from the certificate a re-issue replaces) and never again."""
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
        "valid_until": valid_until.isoformat() if valid_until else None,
        "renews": renews,
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
