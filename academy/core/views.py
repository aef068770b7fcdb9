from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect
from django.templatetags.static import static
from django.utils.translation import get_language


def root_redirect(request):
    """``/`` → the home page in the visitor's language (cookie, then Accept-Language)."""
    return HttpResponseRedirect(f"/{get_language()[:2]}/")


def favicon(request):
    """``/favicon.ico``, asked for by browsers on pages without a ``<link rel=icon>``
    (a PDF, the H5P player): the platform's own icon, served locally."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))
