"""Public verification pages, file upload, learner download, admin actions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certificates.codes import check_code
from certificates.models import Certificate
from certificates.selectors import certificate_pdf_bytes
from certificates.services import certificate_issue, certificate_reissue, certificate_revoke
from tests import factories as base

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]


@pytest.fixture
def certificate(enrollment):
    return certificate_issue(enrollment=enrollment)


def test_verify_page_shows_every_frozen_field_without_login(client, certificate, settings):
    settings.CERTIFICATE_VERIFY_PUBLIC_DETAILS = True  # matricule, score and unit too
    response = client.get(reverse("certificates:verify_detail", args=[certificate.uuid]))
    assert response.status_code == 200
    html = response.content.decode()
    for value in (
        certificate.serial,
        str(certificate.uuid),
        "Fatima-Zahra El Idrissi",
        "فاطمة الزهراء الإدريسي",
        "M004512",
        "Sécurité de l&#x27;information",
        "أمن المعلومات",
        "12,5 heures",
        "87,5&nbsp;%",
        "Oriental",
        "الشرق",
        "Ahmed Benali",
        "أحمد بنعلي",
        certificate.sha256,
    ):
        assert value in html, value
    assert 'class="status-valid"' in html


def test_verify_page_formats_numbers_like_the_pdf_in_the_page_language(
    client, certificate, settings
):
    settings.CERTIFICATE_VERIFY_PUBLIC_DETAILS = True  # the score is shown only with the details
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    html = client.get(f"/verify/{certificate.uuid}/").content.decode()
    assert 'lang="ar"' in html
    assert "12,5 ساعة" in html and "87,5&nbsp;%" in html
    assert "12.50" not in html and "87.50" not in html


def test_default_template_is_named_in_the_page_language(client, certificate, settings):
    from certificates.services import DEFAULT_TEMPLATE

    snapshot = {
        **certificate.snapshot,
        "template": {**certificate.snapshot["template"], "name": DEFAULT_TEMPLATE["name"]},
    }
    Certificate.objects.filter(pk=certificate.pk).update(snapshot=snapshot)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    html = client.get(f"/verify/{certificate.uuid}/").content.decode()
    assert "الأكاديمية — النموذج الافتراضي" in html and DEFAULT_TEMPLATE["name"] not in html


def test_verify_page_shows_revoked_with_date_and_reason(client, certificate):
    certificate_revoke(
        certificate=certificate, revoked_by=base.platform_admin(), reason="Fraude constatée"
    )
    html = client.get(f"/verify/{certificate.uuid}/").content.decode()
    assert 'class="status-revoked"' in html
    assert "Fraude constatée" in html


def test_verify_page_shows_superseded_with_link_to_the_new_one(client, certificate):
    new = certificate_reissue(certificate=certificate)
    html = client.get(f"/verify/{certificate.uuid}/").content.decode()
    assert 'class="status-superseded"' in html
    assert f'href="/verify/{new.uuid}/"' in html


def test_verify_page_in_arabic(client, certificate):
    client.cookies["academie_language"] = "ar"
    html = client.get(f"/verify/{certificate.uuid}/").content.decode()
    assert 'dir="rtl"' in html
    assert "شهادة صالحة" in html


def test_unknown_certificate_is_404(client, db):
    # (LocaleMiddleware tries the language-prefixed path first, which is a 404 too)
    assert client.get("/verify/AC-2026-999999/", follow=True).status_code == 404
    assert client.get("/verify/not-a-serial/", follow=True).status_code == 404


def test_lookup_form_redirects_to_the_certificate(client, certificate):
    code = check_code(certificate.uuid)
    response = client.get(
        reverse("certificates:verify_form"),
        {"key": certificate.serial.lower(), "code": code.lower()},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/verify/{certificate.uuid}/"


def upload(client, data: bytes, name="certificat.pdf"):
    return client.post(
        reverse("certificates:verify_form"),
        {"file": SimpleUploadedFile(name, data, content_type="application/pdf")},
    )


def test_upload_of_the_issued_pdf_is_genuine(client, certificate):
    response = upload(client, certificate_pdf_bytes(certificate))
    assert response.status_code == 200
    assert response.context["verdict"].outcome == "genuine"
    assert certificate.serial in response.content.decode()


def test_upload_of_a_modified_pdf_is_tampered(client, certificate):
    data = bytearray(certificate_pdf_bytes(certificate))
    data[len(data) // 2] ^= 0x20
    response = upload(client, bytes(data))
    assert response.context["verdict"].outcome == "tampered"


def test_upload_of_something_else_is_refused_or_unreadable(client, db):
    response = upload(client, b"just text")
    assert response.context["verdict"].outcome == "unreadable"


def test_upload_size_is_limited(client, db):
    response = upload(client, b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024 + 1))
    assert response.status_code == 400
    assert response.context["verdict"] is None


def test_uploads_are_rate_limited(client, db):
    for _ in range(10):
        assert upload(client, b"not a pdf").status_code == 200
    response = upload(client, b"not a pdf")
    assert response.status_code == 429
    assert response.context["verdict"] is None


def test_learner_downloads_own_certificate_only(client, certificate):
    url = reverse("certificates:download", args=[certificate.uuid])
    assert client.get(url).status_code == 302  # to the login page

    client.force_login(certificate.enrollment.user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == certificate_pdf_bytes(certificate)

    client.force_login(base.UserFactory())
    assert client.get(url, follow=True).status_code == 404


def test_footer_links_to_verification(client, db):
    html = client.get(reverse("certificates:verify_form")).content.decode()
    assert 'href="/verify/"' in html


def test_admin_lists_revokes_and_reissues(client, certificate):
    admin = base.platform_admin()
    client.force_login(admin)
    index = client.get(reverse("certificates_admin:index"))
    assert index.status_code == 200
    assert certificate.serial in index.content.decode()

    response = client.post(reverse("certificates_admin:reissue", args=[certificate.pk]))
    assert response.status_code == 302
    certificate.refresh_from_db()
    new = certificate.superseded_by
    assert certificate.status == Certificate.Status.SUPERSEDED and new is not None

    assert (
        client.post(reverse("certificates_admin:revoke", args=[new.pk]), {"reason": ""}).status_code
        == 200
    )
    response = client.post(
        reverse("certificates_admin:revoke", args=[new.pk]), {"reason": "Erreur de saisie"}
    )
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.status == Certificate.Status.REVOKED and new.revoked_by == admin


def test_admin_issues_for_a_completed_enrollment(client, enrollment):
    client.force_login(base.platform_admin())
    response = client.post(
        reverse("certificates_admin:issue"),
        {"learner": enrollment.user.matricule, "course": enrollment.course.pk},
    )
    assert response.status_code == 302
    assert Certificate.objects.filter(enrollment=enrollment, status="valid").count() == 1


def test_admin_actions_refused_to_learners(client, certificate):
    client.force_login(certificate.enrollment.user)
    assert client.post(
        reverse("certificates_admin:revoke", args=[certificate.pk]), {"reason": "x"}
    ).status_code in (302, 403)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", ["Vérifier un certificat", "Vérifier le fichier"]),
        ("ar", ["التحقق من شهادة", "تحقق من الملف"]),
    ],
)
def test_verify_form_is_translated(client, db, language, expected):
    client.cookies["academie_language"] = language
    html = client.get(reverse("certificates:verify_form")).content.decode()
    for text in expected:
        assert text in html
    for english in ("Verify a certificate", "Check the file", "Look up a serial number"):
        assert english not in html
