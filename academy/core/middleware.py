"""Middleware of the shell."""

from __future__ import annotations

from academy.core.pagecache import site_for_request


class SharedSiteMiddleware:
    """Gives Wagtail the site of the request from the shared cache (``request._wagtail_site``
    is where ``Site.find_for_request`` keeps its answer), instead of one query per request.
    Placed after ``CommonMiddleware``, which has refused hosts outside ``ALLOWED_HOSTS``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request._wagtail_site = site_for_request(request)
        return self.get_response(request)
