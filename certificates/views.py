"""Public verification pages and the learner's download. Thin: logic lives in
selectors, services and verification."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .forms import LookupForm, VerifyFileForm
from .models import Certificate
from .ratelimit import client_ip, rate_limit_hit
from .selectors import certificate_by_key, certificates_for_user
from .verification import certificate_file_verify

UPLOAD_LIMIT = 10  # verifications of files ...
UPLOAD_WINDOW = 10 * 60  # ... per client in this many seconds


@require_http_methods(["GET", "POST"])
def verify_form(request):
    """Look a certificate up by serial/UUID, or upload a PDF to check it."""
    lookup = LookupForm(request.GET or None)
    if request.GET and lookup.is_valid():
        certificate = certificate_by_key(lookup.cleaned_data["key"])
        if certificate is not None:
            return redirect("certificates:verify_detail", key=certificate.serial)
        lookup.add_error("key", _("No certificate has this serial number or identifier."))

    upload = VerifyFileForm()
    verdict = None
    rate_limited = False
    status = 200
    if request.method == "POST":
        if rate_limit_hit(
            key=f"certificate-verify:{client_ip(request)}",
            limit=UPLOAD_LIMIT,
            window_seconds=UPLOAD_WINDOW,
        ):
            rate_limited = True
            status = 429
        else:
            upload = VerifyFileForm(request.POST, request.FILES)
            if upload.is_valid():
                verdict = certificate_file_verify(upload.cleaned_data["file"].read())
            else:
                status = 400
    return render(
        request,
        "certificates/verify_form.html",
        {"lookup": lookup, "upload": upload, "verdict": verdict, "rate_limited": rate_limited},
        status=status,
    )


def verify_detail(request, key: str):
    """The public page of one certificate: every frozen field and its status."""
    certificate = certificate_by_key(key)
    if certificate is None:
        raise Http404(_("No certificate has this serial number or identifier."))
    return render(request, "certificates/verify_detail.html", {"certificate": certificate})


@login_required
def download(request, uuid):
    """A learner downloads one of their own certificates (others: 404)."""
    certificate = certificates_for_user(user=request.user).filter(uuid=uuid).first()
    if certificate is None:
        raise Http404
    return _pdf_response(certificate)


def _pdf_response(certificate: Certificate):
    return FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=f"{certificate.serial}.pdf",
        content_type="application/pdf",
    )
