"""Antivirus on the public certificate check: an infected upload is refused with the message in
the visitor's language before the PDF is read; a clean upload is still verified."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from academy.core.antivirus import EICAR
from certificates.selectors import certificate_pdf_bytes
from certificates.services import certificate_issue

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]


def upload(client, data: bytes):
    return client.post(
        reverse("certificates:verify_form"),
        {"file": SimpleUploadedFile("certificat.pdf", data, content_type="application/pdf")},
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "Ce fichier a été refusé\u00a0: l&#x27;antivirus"), ("ar", "رُفض هذا الملف")],
)
def test_infected_upload_is_refused_with_the_message(client, db, language, expected):
    client.cookies["academie_language"] = language
    response = upload(client, b"%PDF-1.4\n" + EICAR + b"\n%%EOF\n")
    assert response.status_code == 400
    assert response.context["verdict"] is None
    assert expected in response.content.decode()


def test_clean_upload_passes_the_scan(client, enrollment):
    certificate = certificate_issue(enrollment=enrollment)
    response = upload(client, certificate_pdf_bytes(certificate))
    assert response.status_code == 200
    assert response.context["verdict"].outcome == "genuine"
