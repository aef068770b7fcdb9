"""A local demonstration CA and signer, created on first use.

For laptops and the embedded profile only: the keys sit unencrypted on disk and every
name says DEMO. Production sets SIGNING_PKCS12_PATH (or SIGNING_KEY_PATH and
SIGNING_CERT_PATH) to real key material; a system check warns otherwise.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

CA_NAME = "Académie DEMO root CA - not for production"
SIGNER_NAME = "Académie DEMO certificate signer - not for production"
ORGANISATION = "Académie (DEMO)"

README = """DEMO signing material for Académie - NOT FOR PRODUCTION.

Created automatically because no signing key was configured
(SIGNING_PKCS12_PATH, or SIGNING_KEY_PATH + SIGNING_CERT_PATH).
Certificates signed with it are only trusted by this installation.

  demo-ca.cert.pem       the demo root CA (trust root for `pyhanko sign validate --trust`)
  demo-signer.key.pem    the signer's private key (unencrypted)
  demo-signer.cert.pem   the signer's certificate, issued by the demo CA
"""


@dataclass(frozen=True)
class DemoMaterial:
    directory: Path

    @property
    def ca_cert(self) -> Path:
        return self.directory / "demo-ca.cert.pem"

    @property
    def signer_key(self) -> Path:
        return self.directory / "demo-signer.key.pem"

    @property
    def signer_cert(self) -> Path:
        return self.directory / "demo-signer.cert.pem"

    def complete(self) -> bool:
        return all(p.is_file() for p in (self.ca_cert, self.signer_key, self.signer_cert))


def _name(common_name: str):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "MA"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _write(directory: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID

    now = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=1)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    ca_name = _name(CA_NAME)
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=365 * 20))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )  # fmt: skip
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    signer_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signer_cert = (
        x509.CertificateBuilder()
        .subject_name(_name(SIGNER_NAME))
        .issuer_name(ca_name)
        .public_key(signer_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=365 * 10))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )  # fmt: skip
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(signer_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    (directory / "demo-ca.cert.pem").write_bytes(ca_cert.public_bytes(pem))
    (directory / "demo-signer.cert.pem").write_bytes(signer_cert.public_bytes(pem))
    key_path = directory / "demo-signer.key.pem"
    key_path.write_bytes(
        signer_key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    os.chmod(key_path, 0o600)
    (directory / "README-DEMO.txt").write_text(README, encoding="utf-8")
    # The CA key is not kept: nothing else will ever be issued by the demo CA.


def demo_material(directory: Path | str) -> DemoMaterial:
    """The demo CA and signer in ``directory``, created if missing.

    Safe when several processes start at once: each builds in a temporary directory
    and renames it into place; the losers discard theirs.
    """
    material = DemoMaterial(Path(directory))
    if material.complete():
        return material
    material.directory.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".demo-signing-", dir=material.directory.parent))
    try:
        _write(tmp)
        if material.directory.exists() and not material.complete():
            # A previous run died half-way: replace the incomplete directory.
            shutil.rmtree(material.directory, ignore_errors=True)
        try:
            os.rename(tmp, material.directory)
        except OSError:
            if not material.complete():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return material
