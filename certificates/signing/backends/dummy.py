"""A backend that does not sign: for tests and development without key material.

Certificates issued with it carry no signature, so file verification can only
match their hash; they are never reported as signed.
"""

from __future__ import annotations

from .base import SignatureCheck, SigningBackend


class DummyBackend(SigningBackend):
    name = "dummy (unsigned)"

    def sign(self, pdf: bytes, *, reason: str = "", location: str = "") -> bytes:
        return pdf

    def check(self, pdf: bytes) -> SignatureCheck:
        has_signature = b"/ByteRange" in pdf
        return SignatureCheck(
            present=has_signature,
            problems=["the dummy backend cannot check signatures"] if has_signature else [],
        )
