"""PAdES signatures with pyHanko.

Key material comes from ``settings.ACADEMIE_SIGNING``: a PKCS#12 file
(``PKCS12_PATH``/``PKCS12_PASSWORD``), or a PEM/DER key and certificate
(``KEY_PATH``/``CERT_PATH``), with extra chain certificates in ``CHAIN_PATHS``. With
neither, a local DEMO CA and signer are created in ``DEMO_DIR``. ``TIMESTAMP_URL``
adds an RFC 3161 timestamp (PAdES B-T); without it the signature is PAdES B-B.
"""

from __future__ import annotations

import asyncio
import io
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from pathlib import Path

from .base import SignatureCheck, SigningBackend, SigningError

logger = logging.getLogger(__name__)

FIELD_NAME = "AcademieCertificateSignature"


def _cached_key_signer_class():
    """A ``SimpleSigner`` that parses its private key once.

    pyHanko's ``SimpleSigner.sign_raw`` re-parses (and so re-validates) the DER key
    on every call, which costs most of a signature's time with RSA.
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash, process_pss_params

    class CachedKeySigner(SimpleSigner):
        @cached_property
        def _private_key(self):
            return serialization.load_der_private_key(self.signing_key.dump(), password=None)

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism_info = self.get_signature_mechanism_for_digest(digest_algorithm)
            try:
                mechanism = mechanism_info.signature_algo
            except ValueError:
                mechanism = mechanism_info["algorithm"].native
            key = self._private_key
            if mechanism == "rsassa_pkcs1v15" and isinstance(key, RSAPrivateKey):
                return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
            if mechanism == "rsassa_pss" and isinstance(key, RSAPrivateKey):
                padding, hash_algo = process_pss_params(mechanism_info["parameters"])
                return key.sign(data, padding, hash_algo)
            if mechanism == "ecdsa" and isinstance(key, EllipticCurvePrivateKey):
                return key.sign(data, ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
            return super().sign_raw(data, digest_algorithm)

    return CachedKeySigner


def _outside_event_loop(function, /, *args, **kwargs):
    """Call one of pyHanko's synchronous entry points from any thread.

    ``sign_pdf`` and ``validate_pdf_signature`` drive their coroutines with
    ``asyncio.run``, which refuses to start when the calling thread already runs an event
    loop (an ASGI view, a Playwright-driven demo seed, a notebook). There the call runs in
    a short-lived thread of its own; everywhere else it runs in place.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pyhanko") as pool:
        return pool.submit(function, *args, **kwargs).result()


class PyHankoBackend(SigningBackend):
    name = "pyhanko"

    def __init__(self, config: dict):
        super().__init__(config)
        self._lock = threading.Lock()

    # -- key material (loaded once) -------------------------------------------------
    @cached_property
    def material(self) -> dict:
        """Signer and trust roots, loaded on first use and kept for the process."""
        from pyhanko.keys import load_certs_from_pemder
        from pyhanko.sign.signers import SimpleSigner

        config = self.config
        chain_paths = [str(p) for p in (config.get("CHAIN_PATHS") or [])]
        demo = False
        if config.get("PKCS12_PATH"):
            password = config.get("PKCS12_PASSWORD")
            signer = SimpleSigner.load_pkcs12(
                str(config["PKCS12_PATH"]),
                ca_chain_files=chain_paths or None,
                passphrase=password.encode() if password else None,
            )
            source = f"PKCS#12 {config['PKCS12_PATH']}"
        elif config.get("KEY_PATH") or config.get("CERT_PATH"):
            if not (config.get("KEY_PATH") and config.get("CERT_PATH")):
                raise SigningError("SIGNING_KEY_PATH and SIGNING_CERT_PATH must be set together.")
            signer = SimpleSigner.load(
                str(config["KEY_PATH"]),
                str(config["CERT_PATH"]),
                ca_chain_files=chain_paths or None,
            )
            source = f"PEM {config['CERT_PATH']}"
        else:
            from ..demo_ca import demo_material

            if not config.get("DEMO_DIR"):
                raise SigningError("No signing key configured and no ACADEMIE_SIGNING['DEMO_DIR'].")
            material = demo_material(config["DEMO_DIR"])
            signer = SimpleSigner.load(
                str(material.signer_key),
                str(material.signer_cert),
                ca_chain_files=[str(material.ca_cert)],
            )
            chain_paths = [str(material.ca_cert)]
            source = f"DEMO CA in {material.directory}"
            demo = True
        if signer is None:
            raise SigningError(f"Could not load the signing key from {source} (see the log).")
        # SimpleSigner.load* always build a plain SimpleSigner: rewrap the loaded
        # material in the signer that parses the key once, and parse it now.
        signer = _cached_key_signer_class()(
            signing_cert=signer.signing_cert,
            signing_key=signer.signing_key,
            cert_registry=signer.cert_registry,
            signature_mechanism=signer.signature_mechanism,
            prefer_pss=signer.prefer_pss,
        )
        signer._private_key  # noqa: B018 - parse and check the key once, here

        chain = []
        for path in chain_paths:
            chain.extend(load_certs_from_pemder([path]))
        # Trust anchors: the self-signed certificates of the chain, or else its top.
        roots = [c for c in chain if c.self_signed]
        if not roots:
            roots = chain[-1:] or [signer.signing_cert]
        if config.get("PKCS12_PATH") and not chain_paths:
            roots = [c for c in signer.cert_registry if c.self_signed] or [signer.signing_cert]
        logger.info("Certificate signing key loaded from %s", source)
        return {
            "signer": signer,
            "roots": roots,
            "source": source,
            "demo": demo,
            "signer_sha256": signer.signing_cert.sha256,
        }

    @property
    def signer(self):
        return self.material["signer"]

    @property
    def is_demo(self) -> bool:
        return self.material["demo"]

    def trust_roots(self) -> list:
        return list(self.material["roots"])

    def trust_root_paths(self) -> list[Path]:
        """Where the trust roots sit on disk (for `pyhanko sign validate --trust`)."""
        if self.is_demo:
            from ..demo_ca import DemoMaterial

            return [DemoMaterial(Path(self.config["DEMO_DIR"])).ca_cert]
        return [Path(p) for p in (self.config.get("CHAIN_PATHS") or [])]

    @property
    def bytes_reserved(self) -> int:
        # CMS container: signer + chain certificates (~1.5 kB each) and, with B-T,
        # the timestamp token and the TSA's chain.
        return 32768 if self.config.get("TIMESTAMP_URL") else 12288

    @cached_property
    def timestamper(self):
        url = self.config.get("TIMESTAMP_URL")
        if not url:
            return None
        from pyhanko.sign.timestamps import HTTPTimeStamper

        return HTTPTimeStamper(url)

    def describe(self) -> str:
        level = "PAdES B-T" if self.config.get("TIMESTAMP_URL") else "PAdES B-B"
        return f"pyHanko {level}, key from {self.material['source']}"

    # -- signing ----------------------------------------------------------------------
    def sign(self, pdf: bytes, *, reason: str = "", location: str = "") -> bytes:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers

        meta = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            reason=reason or None,
            location=location or None,
        )
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        out = io.BytesIO()
        try:
            _outside_event_loop(
                signers.sign_pdf,
                writer,
                meta,
                signer=self.signer,
                timestamper=self.timestamper,
                new_field_spec=fields.SigFieldSpec(sig_field_name=FIELD_NAME),
                # Reserving room up front avoids pyHanko's dry-run signature.
                bytes_reserved=self.bytes_reserved,
                output=out,
            )
        except SigningError:
            raise
        except Exception as exc:
            raise SigningError(f"pyHanko could not sign the certificate: {exc}") from exc
        return out.getvalue()

    # -- checking -----------------------------------------------------------------------
    def check(self, pdf: bytes) -> SignatureCheck:
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko_certvalidator import ValidationContext

        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
        if not signatures:
            return SignatureCheck(present=False)
        sig = signatures[-1]
        context = ValidationContext(trust_roots=self.trust_roots(), allow_fetching=False)
        problems = []
        try:
            status = _outside_event_loop(
                validate_pdf_signature, sig, signer_validation_context=context
            )
        except Exception as exc:  # a mangled CMS blob, a broken byte range, ...
            return SignatureCheck(present=True, problems=[f"signature unreadable: {exc}"])
        from pyhanko.sign.validation.status import SignatureCoverageLevel

        covers = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        ours = status.signing_cert.sha256 == self.material["signer_sha256"]
        if not status.intact:
            problems.append("the signed bytes were modified")
        if not status.valid:
            problems.append("the signature value does not match")
        if not status.trusted:
            problems.append("the signer is not trusted by this platform")
        if not covers:
            problems.append("content was added after the signature")
        if not ours:
            problems.append("signed by another key than this platform's")
        return SignatureCheck(
            present=True,
            intact=bool(status.intact and status.valid),
            trusted=bool(status.trusted and ours),
            covers_whole_file=covers,
            signer=status.signing_cert.subject.human_friendly,
            signed_at=status.signer_reported_dt.isoformat() if status.signer_reported_dt else "",
            timestamped=status.timestamp_validity is not None,
            problems=problems,
        )
