"""The one place where campaigns read whether someone holds a certificate that counts.

Campaigns that require "a valid certificate" (``Campaign.requires_valid_certificate``) ask
``certificates_held`` and nothing else. It first counted any certificate not revoked; it now
asks the certificates app's expiry-aware selector (``certificates_held_valid``: not revoked,
not superseded, not expired on the day), so an expired certificate is no longer "done" and its
holder is counted overdue once the due date has passed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable


def certificates_held(
    *, user_ids: Iterable[int], course_ids: Iterable[int], on: datetime.date | None = None
) -> dict[tuple[int, int], datetime.date]:
    """(user id, course id) → the date since which the person holds a certificate of the course
    valid on ``on`` (default: today), for the pairs that hold one. One query."""
    from certificates.selectors import certificates_held_valid

    return certificates_held_valid(user_ids=user_ids, course_ids=course_ids, on=on)
