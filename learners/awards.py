"""What a completed enrolment earned (a certificate), told by the app that awards it.

The learners app does not import certificates: the certificates app registers a provider
in its ``ready()`` (``award_provider_register``). With no provider installed nothing is
awarded, which is a valid configuration (a platform without certificates)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Award:
    url: str  # where the learner downloads it
    serial: str
    valid_until: datetime.date | None = None  # frozen on the certificate
    valid_until_text: str = ""  # written as on the certificate, in the requested language
    expired: bool = False
    renew_url: str = ""  # set while its recertification window is open


_providers: dict[str, Callable] = {}


def award_provider_register(name: str, provider: Callable) -> None:
    """``provider(*, enrollment_ids, language) -> {enrollment id: Award}`` (a fixed number of
    queries, whatever the number of enrolments; texts in ``language``)."""
    _providers[name] = provider


def awards_for(enrollment_ids: list[int], *, language: str) -> dict[int, Award]:
    found: dict[int, Award] = {}
    if not enrollment_ids:
        return found
    for provider in _providers.values():
        awarded = provider(enrollment_ids=enrollment_ids, language=language)
        for enrollment_id, award in awarded.items():
            found.setdefault(enrollment_id, award)
    return found
