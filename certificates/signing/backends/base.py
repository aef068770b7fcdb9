from __future__ import annotations

from dataclasses import dataclass, field


class SigningError(RuntimeError):
    """The signing backend is misconfigured or failed to sign."""


@dataclass(frozen=True)
class SignatureCheck:
    """What a backend found in a PDF's signatures.

    ``present``: the file has at least one signature. ``intact``: the signed bytes
    are unchanged. ``trusted``: the signer's chain leads to this platform's trust
    roots. ``covers_whole_file``: nothing was appended after the signature.
    """

    present: bool
    intact: bool = False
    trusted: bool = False
    covers_whole_file: bool = False
    signer: str = ""
    signed_at: str = ""
    timestamped: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.present and self.intact and self.trusted and self.covers_whole_file


class SigningBackend:
    """Signs certificate PDFs and checks signatures of uploaded ones.

    ``config`` is ``settings.ACADEMIE_SIGNING``, read when the backend is built
    (never at import).
    """

    name = "base"

    def __init__(self, config: dict):
        self.config = config

    def sign(self, pdf: bytes, *, reason: str = "", location: str = "") -> bytes:
        raise NotImplementedError

    def check(self, pdf: bytes) -> SignatureCheck:
        raise NotImplementedError

    def describe(self) -> str:
        """One line for logs and the system check: who signs."""
        return self.name
