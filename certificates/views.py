"""Public verification pages and the learner's download. Thin: logic lives in
selectors, services and verification.

Public pages find a certificate only by its random UUID (the QR code's link) or by its
serial *and* check code; they are rate-limited per client address (django-ratelimit, the
address from ``academy.core.net.client_ip``, which honours ``TRUSTED_PROXY_COUNT``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited
from wagtail.models import Locale

from .forms import LookupForm, VerifyFileForm
from .models import Certificate
from .rendering.content import date_long
from .selectors import (
    certificate_by_serial_and_code,
    certificate_by_uuid,
    certificate_state,
    certificates_for_user,
)
from .services import DEFAULT_TEMPLATE, certificate_renewal_start
from .verification import certificate_file_verify


def _limited(request, *, group: str, rate: str) -> bool:
    return is_ratelimited(request, group=group, key="ip", rate=rate, method=ALL, increment=True)


def _too_many(request):
    return render(request, "certificates/rate_limited.html", status=429)


@require_http_methods(["GET", "POST"])
def verify_form(request):
    """Look a certificate up by serial + check code or by UUID, or upload a PDF to check it."""
    if request.GET and _limited(
        request, group="certificate-lookup", rate=settings.CERTIFICATE_VERIFY_RATE
    ):
        return _too_many(request)
    lookup = LookupForm(request.GET or None)
    if request.GET and lookup.is_valid():
        key, code = lookup.cleaned_data["key"], lookup.cleaned_data["code"]
        certificate = certificate_by_uuid(key) or certificate_by_serial_and_code(key, code)
        if certificate is not None:
            return redirect("certificates:verify_detail", key=str(certificate.uuid))
        if not code and certificate_by_uuid(key) is None:
            lookup.add_error("code", _("Enter the check code printed under the serial number."))
        else:
            lookup.add_error(
                "key",
                _("No certificate has this serial number and check code, or this identifier."),
            )

    upload = VerifyFileForm()
    verdict = None
    standing = {}
    rate_limited = False
    status = 200
    if request.method == "POST":
        if _limited(
            request, group="certificate-upload", rate=settings.CERTIFICATE_VERIFY_UPLOAD_RATE
        ):
            rate_limited = True
            status = 429
        else:
            upload = VerifyFileForm(request.POST, request.FILES)
            if upload.is_valid():
                verdict = certificate_file_verify(upload.cleaned_data["file"].read())
                if verdict.certificate is not None:
                    standing = _standing(verdict.certificate)
            else:
                status = 400
    return render(
        request,
        "certificates/verify_form.html",
        {
            "lookup": lookup,
            "upload": upload,
            "verdict": verdict,
            "rate_limited": rate_limited,
            **standing,
        },
        status=status,
    )


def verify_detail(request, key: str):
    """The public page of one certificate: who, which course, when, and its status."""
    if _limited(request, group="certificate-lookup", rate=settings.CERTIFICATE_VERIFY_RATE):
        return _too_many(request)
    certificate = certificate_by_uuid(key)
    if certificate is None:
        raise Http404(_("No certificate has this identifier."))
    return render(
        request,
        "certificates/verify_detail.html",
        {
            "certificate": certificate,
            "show_details": settings.CERTIFICATE_VERIFY_PUBLIC_DETAILS,
            "template_name": _template_name(certificate.snapshot.get("template") or {}),
            "issued_on": _date_long(certificate.snapshot.get("issued_on")),
            **_standing(certificate),
        },
    )


def _standing(certificate: Certificate) -> dict:
    """Its state today (valid / expired / revoked / superseded, by date) and its frozen
    expiry date written as on the PDF."""
    return {
        "state": certificate_state(certificate),
        "valid_until": _date_long(certificate.snapshot.get("valid_until")),
    }


def _date_long(text) -> str | None:
    """The issue date written as on the PDF, in the page's language (Moroccan month names)."""
    try:
        day = dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return date_long(day, get_language() or "fr")


def _template_name(template: dict) -> str:
    """The certificate template's name in the page's language (the default template's
    stored name is French)."""
    if template.get("name") == DEFAULT_TEMPLATE["name"]:
        return _("Académie — default template")
    return template.get("name", "")


@login_required
def download(request, uuid):
    """A learner downloads one of their own certificates (others: 404)."""
    certificate = certificates_for_user(user=request.user).filter(uuid=uuid).first()
    if certificate is None:
        raise Http404
    return _pdf_response(certificate)


@login_required
@require_http_methods(["POST"])
def renew(request, uuid):
    """The holder starts renewing one of their certificates (others: 404), then goes to
    the course to follow."""
    certificate = (
        certificates_for_user(user=request.user)
        .select_related("course", "enrollment")
        .filter(uuid=uuid)
        .first()
    )
    if certificate is None:
        raise Http404
    try:
        enrollment = certificate_renewal_start(certificate=certificate, user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("learners:dashboard")
    messages.success(
        request, _("Renewal started: complete the course again to receive a new certificate.")
    )
    course = enrollment.course
    locale = Locale.objects.filter(language_code=get_language()).first()
    translated = course.get_translation_or_none(locale) if locale else None
    return redirect((translated or course).get_url(request) or "learners:dashboard")


def _pdf_response(certificate: Certificate):
    return FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=f"{certificate.serial}.pdf",
        content_type="application/pdf",
    )
