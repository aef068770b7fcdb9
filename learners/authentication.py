"""Authentication for the xAPI endpoint.

Learning-record clients post many small requests; looking the API token up in the
database on every one of them costs about as much as storing the statement. Valid
tokens are therefore remembered for a few seconds in each worker process
(``ACADEMIE_XAPI_TOKEN_CACHE_SECONDS``, default 30; 0 disables it). Trade-off: a deleted
token or deactivated account keeps access to this write-only endpoint of its own
learning record for at most that long. Browser sessions are not cached.
"""

from __future__ import annotations

import time

from django.conf import settings
from rest_framework.authentication import TokenAuthentication

MAX_ENTRIES = 10_000


class CachedTokenAuthentication(TokenAuthentication):
    _valid: dict[str, tuple[float, object, object]] = {}

    @staticmethod
    def ttl() -> float:
        return float(getattr(settings, "ACADEMIE_XAPI_TOKEN_CACHE_SECONDS", 30))

    def authenticate_credentials(self, key):
        ttl = self.ttl()
        now = time.monotonic()
        if ttl > 0:
            hit = self._valid.get(key)
            if hit is not None and hit[0] > now:
                return hit[1], hit[2]
        user, token = super().authenticate_credentials(key)
        if ttl > 0:
            if len(self._valid) >= MAX_ENTRIES:
                self._valid.clear()
            self._valid[key] = (now + ttl, user, token)
        return user, token

    @classmethod
    def forget_all(cls) -> None:
        cls._valid.clear()
