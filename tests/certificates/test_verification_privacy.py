"""Public verification reveals no more than it must, to no more clients than it must."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from certificates.codes import check_code
from certificates.selectors import certificate_pdf_bytes
from certificates.services import certificate_issue

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]


@pytest.fixture
def certificate(enrollment):
    return certificate_issue(enrollment=enrollment)


def test_a_serial_alone_finds_nothing(client, certificate):
    # serials are sequential: walking them must not list the platform's certificates
    assert client.get(f"/verify/{certificate.serial}/", follow=True).status_code == 404
    response = client.get(reverse("certificates:verify_form"), {"key": certificate.serial})
    assert response.status_code == 200
    assert response.context["lookup"].errors
    assert "Fatima" not in response.content.decode()


def test_a_serial_with_a_wrong_check_code_finds_nothing(client, certificate):
    wrong = "0000-0000" if check_code(certificate.uuid) != "0000-0000" else "1111-1111"
    response = client.get(
        reverse("certificates:verify_form"), {"key": certificate.serial, "code": wrong}
    )
    assert response.status_code == 200 and response.context["lookup"].errors


def test_serial_and_check_code_printed_on_the_certificate_lead_to_its_page(client, certificate):
    code = check_code(certificate.uuid)
    text = "".join(page.extract_text() for page in PdfReader(certificate.pdf.open("rb")).pages)
    assert code in text and certificate.serial in text
    response = client.get(
        reverse("certificates:verify_form"), {"key": certificate.serial, "code": code}
    )
    assert response.status_code == 302 and response["Location"] == f"/verify/{certificate.uuid}/"


def test_old_qr_links_by_uuid_keep_working(client, certificate):
    response = client.get(f"/verify/{certificate.uuid}/")
    assert response.status_code == 200 and certificate.serial in response.content.decode()


def test_public_page_shows_name_course_date_status_only(client, certificate):
    import datetime

    from certificates.rendering.content import date_long

    html = client.get(f"/verify/{certificate.uuid}/").content.decode()
    issued_on = date_long(datetime.date.fromisoformat(certificate.snapshot["issued_on"]), "fr")
    for shown in ("Fatima-Zahra El Idrissi", "فاطمة الزهراء الإدريسي", "Sécurité de l&#x27;information",
                  issued_on, 'class="status-valid"'):  # fmt: skip
        assert shown in html, shown
    for hidden in ("M004512", "87,5", "87.5", "Oriental", "الشرق", "Berkane"):
        assert hidden not in html, hidden


def test_a_setting_shows_the_details(client, certificate, settings):
    settings.CERTIFICATE_VERIFY_PUBLIC_DETAILS = True
    html = client.get(f"/verify/{certificate.uuid}/").content.decode()
    assert "M004512" in html and "87,5&nbsp;%" in html and "Oriental" in html


def test_verify_pages_are_rate_limited_per_client(client, certificate, settings):
    settings.CERTIFICATE_VERIFY_RATE = "3/m"
    url = f"/verify/{certificate.uuid}/"
    for _ in range(3):
        assert client.get(url, REMOTE_ADDR="198.51.100.4").status_code == 200
    limited = client.get(url, REMOTE_ADDR="198.51.100.4")
    assert limited.status_code == 429
    assert (
        client.get(
            reverse("certificates:verify_form"), {"key": "x"}, REMOTE_ADDR="198.51.100.4"
        ).status_code
        == 429
    )
    # another client is not limited
    assert client.get(url, REMOTE_ADDR="198.51.100.5").status_code == 200


def test_forwarded_for_counts_only_behind_trusted_proxies(client, certificate, settings):
    settings.CERTIFICATE_VERIFY_RATE = "2/m"
    url = f"/verify/{certificate.uuid}/"
    # No trusted proxy: a forged header does not give a fresh allowance.
    for n in range(2):
        client.get(url, REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert (
        client.get(url, REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="203.0.113.99").status_code
        == 429
    )
    # One trusted proxy: the address it saw is the client; what the client wrote is ignored.
    settings.TRUSTED_PROXY_COUNT = 1
    cache.clear()
    for forged in ("1.1.1.1", "2.2.2.2"):
        client.get(url, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.7")
    assert (
        client.get(
            url, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="3.3.3.3, 203.0.113.7"
        ).status_code
        == 429
    )
    assert (
        client.get(url, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.8").status_code
        == 200
    )


def test_uploads_are_rate_limited_per_client(client, db, settings):
    settings.CERTIFICATE_VERIFY_UPLOAD_RATE = "2/m"

    def upload(ip):
        return client.post(
            reverse("certificates:verify_form"),
            {"file": SimpleUploadedFile("c.pdf", b"not a pdf", content_type="application/pdf")},
            REMOTE_ADDR=ip,
        )

    assert upload("198.51.100.20").status_code == 200
    assert upload("198.51.100.20").status_code == 200
    assert upload("198.51.100.20").status_code == 429
    assert upload("198.51.100.21").status_code == 200


def test_genuine_upload_links_to_the_uuid_page(client, certificate):
    response = client.post(
        reverse("certificates:verify_form"),
        {
            "file": SimpleUploadedFile(
                "c.pdf", certificate_pdf_bytes(certificate), content_type="application/pdf"
            )
        },
    )
    html = response.content.decode()
    assert f"/verify/{certificate.uuid}/" in html and f"/verify/{certificate.serial}/" not in html
