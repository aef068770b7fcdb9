"""The site's Content-Security-Policy middleware (django-csp): the policy of
``settings.CONTENT_SECURITY_POLICY`` everywhere; Wagtail's admin (staff only) also runs the
few inline scripts Wagtail itself renders."""

from csp.middleware import CSPMiddleware
from django.urls import reverse


class AcademieCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if request.path_info.startswith(reverse("wagtailadmin_home")):
            parts.update = {**(parts.update or {}), "script-src": ["'unsafe-inline'"]}
        return parts
