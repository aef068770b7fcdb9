"""The check code printed beside a certificate's serial number.

Serial numbers are sequential (``AC-2026-000123``): on their own they would let anyone walk
through every certificate. The public lookup needs the serial *and* this code, or the random
UUID of the QR code. The code is the first 32 bits of the certificate's UUID (uuid4: random),
grouped as ``ABCD-1234``; it is derived, not stored, so every certificate already has one.
"""

from __future__ import annotations

import hmac
import re
import uuid as uuid_lib

_NOT_HEX = re.compile(r"[^0-9A-F]")


def check_code(certificate_uuid) -> str:
    digits = uuid_lib.UUID(str(certificate_uuid)).hex.upper()[:8]
    return f"{digits[:4]}-{digits[4:]}"


def check_code_matches(certificate_uuid, typed: str) -> bool:
    expected = check_code(certificate_uuid).replace("-", "")
    given = _NOT_HEX.sub("", (typed or "").upper())
    return hmac.compare_digest(expected, given)
