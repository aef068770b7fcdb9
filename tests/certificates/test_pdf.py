"""The issued PDF: readable text in both scripts, a valid PAdES signature."""

import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from certificates.rendering import arabic_lines, arabic_visual
from certificates.selectors import certificate_pdf_bytes
from certificates.services import certificate_issue
from certificates.signing import signing_backend
from certificates.signing.demo_ca import DemoMaterial
from certificates.verification import Outcome, certificate_file_verify

# The PDFs of this module are signed for real (the rest of the suite uses the dummy signer).
pytestmark = pytest.mark.usefixtures("pdf_signer")

BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"))


def pdf_text(path: Path) -> str:
    out = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    # Shaped Arabic comes back as presentation forms: NFKC maps them to letters.
    return " ".join(unicodedata.normalize("NFKC", out).translate(BIDI_CONTROLS).split())


@pytest.fixture
def issued(db, enrollment, tmp_path):
    certificate = certificate_issue(enrollment=enrollment)
    path = tmp_path / f"{certificate.serial}.pdf"
    path.write_bytes(certificate_pdf_bytes(certificate))
    return certificate, path


def test_arabic_is_shaped_and_reordered_with_numbers_kept():
    visual = arabic_visual("المستوى (2) بتاريخ 22/11/2026")
    assert "22/11/2026" in visual  # digits and slashes stay in reading order
    assert "ﺍﻟﻤﺴﺘﻮﻯ"[::-1] in visual  # presentation forms (shaped), in visual order
    assert visual.index("22/11/2026") < visual.index(
        "ﺍﻟﻤﺴﺘﻮﻯ"[::-1]
    )  # the end of the sentence is on the left
    # brackets mirrored: in visual order "(2)" around the number reads ")2(" reversed
    assert "(2)" in visual


def test_arabic_wraps_logically_before_reordering():
    text = "الكفايات الرقمية في الإدارة الترابية المغربية"
    lines = arabic_lines(text, width=60, measure=lambda s: 10 * len(s))
    assert len(lines) > 1
    # the first line holds the first words of the sentence
    first_words = unicodedata.normalize("NFKC", lines[0])
    assert "الكفايات" in first_words[::-1] or "الكفايات" in first_words


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
def test_certificate_pdf_text_has_both_names_and_both_titles(issued):
    certificate, path = issued
    text = pdf_text(path)
    assert "Fatima-Zahra El Idrissi" in text
    assert "Sécurité de l'information" in text
    assert "فاطمة الزهراء الإدريسي" in text
    assert "أمن المعلومات" in text
    assert certificate.serial in text


def test_certificate_signature_validates_with_the_platform_key(issued):
    certificate, path = issued
    check = signing_backend().check(path.read_bytes())
    assert check.valid, check.problems
    assert "DEMO" in check.signer
    verdict = certificate_file_verify(path.read_bytes())
    assert verdict.outcome == Outcome.GENUINE
    assert verdict.certificate == certificate


@pytest.mark.skipif(not shutil.which("pdfsig"), reason="needs poppler-utils")
def test_pdfsig_reports_the_signature_valid(issued):
    _, path = issued
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert "Signature Validation: Signature is Valid." in out
    assert "ETSI.CAdES.detached" in out  # PAdES
    assert "Total document signed" in out


def test_pyhanko_cli_validates_with_the_demo_ca_as_trust_root(issued, settings):
    _, path = issued
    cli = Path(sys.executable).parent / "pyhanko"
    if not cli.exists():
        pytest.skip("pyhanko-cli not installed")
    ca = DemoMaterial(Path(settings.ACADEMIE_SIGNING["DEMO_DIR"])).ca_cert
    result = subprocess.run(
        [str(cli), "sign", "validate", "--executive-summary", "--trust-replace", "--trust", str(ca), str(path)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith(":VALID")


def test_flipping_one_byte_makes_verification_fail(issued):
    _, path = issued
    data = bytearray(path.read_bytes())
    data[len(data) // 3] ^= 0x01
    verdict = certificate_file_verify(bytes(data))
    assert verdict.outcome == Outcome.TAMPERED
    assert verdict.exit_code == 1
    assert not signing_backend().check(bytes(data)).valid


def test_demo_material_is_named_as_demo(issued, settings):
    material = DemoMaterial(Path(settings.ACADEMIE_SIGNING["DEMO_DIR"]))
    assert material.complete()
    assert (
        "DEMO" in material.ca_cert.read_text()
        or "NOT FOR PRODUCTION" in (material.directory / "README-DEMO.txt").read_text()
    )
    assert (
        "not for production" in signing_backend().describe()
        or "DEMO" in signing_backend().describe()
    )


def test_signing_key_is_parsed_once_per_process(issued, monkeypatch):
    """pyHanko's own signer re-parses the key on every signature: ours must not."""
    from cryptography.hazmat.primitives import serialization

    backend = signing_backend()
    assert signing_backend() is backend
    calls = []
    original = serialization.load_der_private_key
    monkeypatch.setattr(
        serialization, "load_der_private_key", lambda *a, **k: calls.append(1) or original(*a, **k)
    )
    from certificates.rendering import CertificateContent
    from certificates.services import certificate_renderer

    certificate, _ = issued
    unsigned = certificate_renderer().render(
        CertificateContent.from_snapshot(certificate.snapshot, verify_url="x")
    )
    backend.sign(unsigned)
    backend.sign(unsigned)
    assert calls == []


def test_signs_and_checks_when_the_caller_already_runs_an_event_loop(issued):
    """pyHanko drives its coroutines with asyncio.run: an ASGI view or a Playwright-driven
    seed calls the backend with a loop already running in its thread."""
    import asyncio

    from certificates.rendering import CertificateContent
    from certificates.services import certificate_renderer

    certificate, _ = issued
    unsigned = certificate_renderer().render(
        CertificateContent.from_snapshot(certificate.snapshot, verify_url="x")
    )
    backend = signing_backend()

    async def inside_a_loop():
        signed = backend.sign(unsigned, reason="test")
        return backend.check(signed)

    assert asyncio.run(inside_a_loop()).valid


def test_unsigned_pdf_is_not_a_certificate_of_this_platform(db):
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer)
    c.drawString(100, 100, "Attestation")
    c.save()
    assert certificate_file_verify(buffer.getvalue()).outcome == Outcome.FOREIGN
    assert certificate_file_verify(b"hello, not a pdf").outcome == Outcome.UNREADABLE


def _test_tsa():
    """A throw-away RFC 3161 authority for pyHanko's in-process timestamper."""
    import datetime as dt

    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA")])
    now = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(key, hashes.SHA256())
    )
    der = serialization.Encoding.DER
    return DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(der)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        ),
    )


def test_timestamp_url_adds_an_rfc3161_timestamp(enrollment, settings, fresh_signing):
    """PAdES B-T: with TIMESTAMP_URL set, the signature carries a timestamp token."""
    settings.ACADEMIE_SIGNING = {
        **settings.ACADEMIE_SIGNING,
        "TIMESTAMP_URL": "http://tsa.invalid/",
    }
    backend = signing_backend()
    assert "B-T" in backend.describe()
    backend.__dict__["timestamper"] = _test_tsa()  # no network here: an in-process TSA
    certificate = certificate_issue(enrollment=enrollment)
    check = backend.check(certificate_pdf_bytes(certificate))
    assert check.valid, check.problems
    assert check.timestamped


def _content(**overrides):
    import datetime as dt

    from certificates.rendering.content import CertificateContent

    values = dict(
        serial="AC-2026-000123",
        uuid="90626e92-f77c-4a28-a2a4-f6d9d0155897",
        verify_url="http://127.0.0.1:8123/verify/90626e92-f77c-4a28-a2a4-f6d9d0155897/",
        learner_name_latin="Amina El Idrissi",
        learner_name_arabic="أمينة الإدريسي",
        matricule="DEMO-0001",
        course_title_fr="Cybersécurité",
        course_title_ar="الأمن السيبراني",
        hours="8.00",
        final_score="100.00",
        issued_on=dt.date(2026, 11, 30),
    )
    values.update(overrides)
    return CertificateContent(**values)


@pytest.fixture
def rendered(tmp_path):
    from certificates.services import certificate_renderer

    def render(**overrides):
        path = tmp_path / "certificate.pdf"
        path.write_bytes(certificate_renderer().render(_content(**overrides)))
        return path

    return render


@pytest.mark.skipif(not shutil.which("pdfinfo"), reason="needs poppler-utils")
def test_printed_verification_address_is_a_link_like_the_qr_code(rendered):
    path = rendered()
    urls = subprocess.run(
        ["pdfinfo", "-url", str(path)], capture_output=True, check=True, text=True
    ).stdout
    links = [line.split()[-1] for line in urls.splitlines()[1:] if "Annotation" in line]
    assert links and set(links) == {
        "http://127.0.0.1:8123/verify/90626e92-f77c-4a28-a2a4-f6d9d0155897/"
    }


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
def test_printed_address_never_breaks_inside_the_identifier(rendered):
    path = rendered()
    lines = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "90626e92-f77c-4a28-a2a4-f6d9d0155897/" in lines


@pytest.mark.parametrize(
    ("hours", "arabic", "french"),
    [
        ("1.00", "ساعة واحدة", "1 heure"),
        ("2.00", "ساعتان", "2 heures"),
        ("8.00", "8 ساعات", "8 heures"),
        ("11.00", "11 ساعة", "11 heures"),
        ("1.50", "1,5 ساعة", "1,5 heure"),
    ],
)
def test_hours_take_the_plural_form_of_each_language(hours, arabic, french):
    from certificates.rendering.content import hours_phrase

    assert hours_phrase(hours, "ar") == arabic
    assert hours_phrase(hours, "fr") == french


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
def test_certificate_prints_hours_in_arabic_plural_and_french_spacing(rendered):
    text = pdf_text(rendered())  # NFKC: the no-break spaces come back as spaces
    assert "ساعات" in text  # "8 ساعات", not "8 ساعة"
    assert "Durée : 8 heures" in text and "Note finale : 100 %" in text
