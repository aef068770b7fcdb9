import pytest
from django.core.management import call_command

from certificates.fonts import FACES, fonts_build, fonts_dir
from certificates.models import Certificate
from certificates.selectors import certificate_pdf_bytes
from certificates.services import certificate_issue, certificate_revoke

pytestmark = pytest.mark.django_db


def verify(path):
    with pytest.raises(SystemExit) as exit_info:
        call_command("certificate_verify", str(path))
        raise SystemExit(0)
    return exit_info.value.code


def test_certificate_verify_exit_codes(enrollment, tmp_path, capsys):
    certificate = certificate_issue(enrollment=enrollment)
    good = tmp_path / "good.pdf"
    good.write_bytes(certificate_pdf_bytes(certificate))
    assert verify(good) == 0
    assert certificate.serial in capsys.readouterr().out

    bad = tmp_path / "bad.pdf"
    data = bytearray(good.read_bytes())
    data[len(data) // 3] ^= 0x01
    bad.write_bytes(bytes(data))
    assert verify(bad) == 1
    assert "tampered" in capsys.readouterr().out

    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"\x00\x01 not a pdf")
    assert verify(junk) == 2
    assert verify(tmp_path / "missing.pdf") == 2


def test_certificate_verify_reports_revoked_status(enrollment, tmp_path, capsys):
    certificate = certificate_issue(enrollment=enrollment)
    certificate_revoke(certificate=certificate, revoked_by=None, reason="Erreur")
    path = tmp_path / "c.pdf"
    path.write_bytes(certificate_pdf_bytes(certificate))
    assert verify(path) == 0  # the file is genuine ...
    assert "status: revoked" in capsys.readouterr().out  # ... and says it was revoked


def test_certificate_fonts_is_idempotent():
    fonts_build()
    paths = [fonts_dir() / face.filename for face in FACES]
    before = [p.stat().st_mtime_ns for p in paths]
    assert fonts_build() == []
    call_command("certificate_fonts")
    assert [p.stat().st_mtime_ns for p in paths] == before


def test_demo_gives_completed_learners_valid_certificates_and_one_revoked(learner, course_page):
    from tests.certificates import factories

    other = factories.course(title_fr="Bureautique")
    e1 = factories.completed_enrollment(user=learner, course_page=course_page)
    e2 = factories.completed_enrollment(user=learner, course_page=other)
    from certificates.demo import demo_certificates_install

    result = demo_certificates_install()
    again = demo_certificates_install()

    for enrollment in (e1, e2):
        assert Certificate.objects.filter(enrollment=enrollment, status="valid").count() == 1
    assert Certificate.objects.filter(status="revoked").count() == 1
    assert again["revoked"] == result["revoked"] and again["issued"] == 0


def test_system_check_flags_a_broken_signing_configuration(settings):
    from certificates.checks import certificate_configuration_check

    settings.ACADEMIE_SIGNING = {
        **settings.ACADEMIE_SIGNING,
        "BACKEND": "certificates.nope.Backend",
    }
    ids = {m.id for m in certificate_configuration_check()}
    assert "certificates.E002" in ids
    settings.ACADEMIE_SIGNING = {
        **settings.ACADEMIE_SIGNING,
        "BACKEND": "certificates.signing.backends.pyhanko.PyHankoBackend",
        "KEY_PATH": "/x.pem",
    }
    assert "certificates.E004" in {m.id for m in certificate_configuration_check()}


def test_dummy_backend_issues_unsigned_certificates_matched_by_hash(
    enrollment, settings, fresh_signing
):
    from certificates.verification import Outcome, certificate_file_verify

    settings.ACADEMIE_SIGNING = {
        **settings.ACADEMIE_SIGNING,
        "BACKEND": "certificates.signing.backends.dummy.DummyBackend",
    }
    certificate = certificate_issue(enrollment=enrollment)
    data = certificate_pdf_bytes(certificate)
    assert b"/ByteRange" not in data
    assert certificate_file_verify(data).outcome == Outcome.GENUINE
