"""Is this PDF a genuine certificate of this platform?

Genuine: the signature is intact and by this platform's key, it covers the whole
file, and the file's SHA-256 is on record. Tampered: it claims to be one of ours
(our signature, our marker) but the signature is broken or the hash is unknown.
Foreign: a PDF that is not a certificate of this platform. Unreadable: not a PDF.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from enum import StrEnum

from .models import Certificate
from .rendering.renderer import PRODUCER
from .selectors import certificate_by_sha256
from .signing import SignatureCheck, signing_backend
from .signing.backends.pyhanko import FIELD_NAME

logger = logging.getLogger(__name__)

MARKERS = (b"academie-certificate", FIELD_NAME.encode(), PRODUCER.encode("utf-16-be"))


class Outcome(StrEnum):
    GENUINE = "genuine"
    TAMPERED = "tampered"
    FOREIGN = "foreign"
    UNREADABLE = "unreadable"


@dataclass
class FileVerdict:
    outcome: Outcome
    certificate: Certificate | None = None
    check: SignatureCheck | None = None
    sha256: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return {Outcome.GENUINE: 0, Outcome.UNREADABLE: 2}.get(self.outcome, 1)


def _looks_like_pdf(data: bytes) -> bool:
    return b"%PDF-" in data[:1024]


def _claims_to_be_ours(data: bytes) -> bool:
    return any(marker in data for marker in MARKERS)


def certificate_file_verify(data: bytes) -> FileVerdict:
    if not data or not _looks_like_pdf(data):
        return FileVerdict(Outcome.UNREADABLE, problems=["not a PDF file"])
    digest = hashlib.sha256(data).hexdigest()
    certificate = certificate_by_sha256(digest)
    try:
        check = signing_backend().check(data)
    except Exception as exc:  # the PDF structure itself is broken
        logger.info("Uploaded PDF could not be parsed: %s", exc)
        if certificate is not None:
            return FileVerdict(Outcome.GENUINE, certificate, None, digest)
        if _claims_to_be_ours(data):
            return FileVerdict(
                Outcome.TAMPERED, sha256=digest, problems=[f"the PDF structure is damaged: {exc}"]
            )
        return FileVerdict(Outcome.UNREADABLE, sha256=digest, problems=[str(exc)])

    problems = list(check.problems)
    if certificate is not None and (check.valid or not check.present):
        # Hash on record: the very file this platform issued. (Without a signature
        # only when it was issued by the unsigned development backend.)
        return FileVerdict(Outcome.GENUINE, certificate, check, digest, problems)
    if certificate is None:
        problems.append("this file's fingerprint is not on record")
    ours = _claims_to_be_ours(data) or (check.present and check.trusted)
    if ours or certificate is not None:
        return FileVerdict(Outcome.TAMPERED, certificate, check, digest, problems)
    return FileVerdict(Outcome.FOREIGN, None, check, digest, problems)
