"""Signing backends for certificate PDFs.

``signing_backend()`` returns the configured backend (``settings.ACADEMIE_SIGNING
["BACKEND"]``), built once per process and per configuration: loading and checking
a private key is the slow part of a signature, so the key stays in memory.
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.utils.module_loading import import_string

from .backends.base import SignatureCheck, SigningBackend, SigningError

__all__ = ["SignatureCheck", "SigningBackend", "SigningError", "signing_backend", "signing_reset"]

_cache: dict[tuple, SigningBackend] = {}
_lock = threading.Lock()


def _config_key(config: dict) -> tuple:
    return tuple(sorted((k, str(v)) for k, v in config.items()))


def signing_backend() -> SigningBackend:
    config = dict(settings.ACADEMIE_SIGNING)
    key = _config_key(config)
    backend = _cache.get(key)
    if backend is not None:
        return backend
    with _lock:
        backend = _cache.get(key)
        if backend is None:
            try:
                backend_class = import_string(config["BACKEND"])
            except ImportError as exc:
                raise SigningError(
                    f"ACADEMIE_SIGNING['BACKEND'] = {config.get('BACKEND')!r} cannot be imported: {exc}"
                ) from exc
            backend = backend_class(config)
            _cache.clear()  # settings changed (tests): drop the old key
            _cache[key] = backend
    return backend


def signing_reset() -> None:
    """Forgets the cached backend (tests, or after rotating the key)."""
    with _lock:
        _cache.clear()
