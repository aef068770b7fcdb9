"""A small fixed-window rate limiter on the Django cache (shared by all workers
when the cache is Redis)."""

from __future__ import annotations

from django.core.cache import cache


def rate_limit_hit(*, key: str, limit: int, window_seconds: int) -> bool:
    """Counts one hit for ``key``; True when the limit is exceeded."""
    cache_key = f"ratelimit:{key}"
    cache.add(cache_key, 0, timeout=window_seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window_seconds)
        count = 1
    return count > limit


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")
