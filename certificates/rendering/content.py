"""What goes on a certificate, built from the frozen snapshot."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

FRENCH_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
# Month names as written in Morocco.
ARABIC_MONTHS = (
    "يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو",
    "يوليوز", "غشت", "شتنبر", "أكتوبر", "نونبر", "دجنبر",
)  # fmt: skip


def number_fr(value: Decimal | str | None) -> str:
    """12.50 -> '12,5'; 12 -> '12' (decimal comma, as in French and Moroccan usage)."""
    if value in (None, ""):
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = format(number.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def date_long(d: dt.date, language: str) -> str:
    """'1er décembre 2026' / '1 دجنبر 2026': as printed on the certificate."""
    if language.startswith("ar"):
        return f"{d.day} {ARABIC_MONTHS[d.month - 1]} {d.year}"
    day = "1er" if d.day == 1 else str(d.day)
    return f"{day} {FRENCH_MONTHS[d.month - 1]} {d.year}"


def hours_phrase(value: Decimal | str | None, language: str) -> str:
    """'8 heures' / '8 ساعات', '1,5 heure' / '1,5 ساعة': the number as on the certificate,
    the word in the plural form of ``language`` (the six Arabic forms)."""
    from django.utils import translation

    from academy.core.plurals import plural_count

    count = plural_count(value, language)
    with translation.override(language):
        text = translation.ngettext("%(hours)s hour", "%(hours)s hours", count)
    return text % {"hours": number_fr(value)}


@dataclass(frozen=True)
class CertificateContent:
    serial: str
    uuid: str
    verify_url: str
    learner_name_latin: str
    learner_name_arabic: str
    matricule: str
    course_title_fr: str
    course_title_ar: str
    hours: str  # decimal as text
    final_score: str  # decimal as text, may be empty
    unit_fr: list[str] = field(default_factory=list)  # unit first, then its ancestors
    unit_ar: list[str] = field(default_factory=list)
    issued_on: dt.date = field(default_factory=dt.date.today)
    valid_until: dt.date | None = None  # frozen in the snapshot; None: no expiry
    signatory_name_fr: str = ""
    signatory_name_ar: str = ""
    signatory_title_fr: str = ""
    signatory_title_ar: str = ""
    platform_name_fr: str = "Académie"
    platform_name_ar: str = "الأكاديمية"
    layout_version: int = 1
    logo_path: str | None = None
    seal_path: str | None = None

    @classmethod
    def from_snapshot(cls, snapshot: dict, *, verify_url: str, logo_path=None, seal_path=None):
        learner = snapshot["learner"]
        course = snapshot["course"]
        signatory = snapshot.get("signatory") or {}
        units = snapshot.get("unit") or []
        platform = snapshot.get("platform") or {}
        return cls(
            serial=snapshot["serial"],
            uuid=snapshot["uuid"],
            verify_url=verify_url,
            learner_name_latin=learner["name_latin"],
            learner_name_arabic=learner.get("name_arabic") or learner["name_latin"],
            matricule=learner.get("matricule") or "",
            course_title_fr=course["title_fr"],
            course_title_ar=course.get("title_ar") or course["title_fr"],
            hours=course.get("hours") or "",
            final_score=snapshot.get("final_score") or "",
            # The snapshot lists units from the root down; a certificate names the
            # unit first ("Commune X, Province Y, Région Z").
            unit_fr=[u["name_fr"] for u in reversed(units)],
            unit_ar=[u.get("name_ar") or u["name_fr"] for u in reversed(units)],
            issued_on=dt.date.fromisoformat(snapshot["issued_on"]),
            valid_until=(
                dt.date.fromisoformat(snapshot["valid_until"])
                if snapshot.get("valid_until")
                else None
            ),
            signatory_name_fr=signatory.get("name_fr", ""),
            signatory_name_ar=signatory.get("name_ar", ""),
            signatory_title_fr=signatory.get("title_fr", ""),
            signatory_title_ar=signatory.get("title_ar", ""),
            platform_name_fr=platform.get("name_fr", "Académie"),
            platform_name_ar=platform.get("name_ar", "الأكاديمية"),
            layout_version=(snapshot.get("template") or {}).get("layout_version", 1),
            logo_path=logo_path,
            seal_path=seal_path,
        )

    @property
    def date_fr(self) -> str:
        return date_long(self.issued_on, "fr")

    @property
    def date_ar(self) -> str:
        return date_long(self.issued_on, "ar")

    @property
    def date_numeric(self) -> str:
        # Slashes (bidi class CS) keep day/month/year together in Arabic context;
        # hyphens (ES) would be reordered.
        return self.issued_on.strftime("%d/%m/%Y")
