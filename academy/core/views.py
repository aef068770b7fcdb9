from django.http import HttpResponseRedirect
from django.utils.translation import get_language


def root_redirect(request):
    """``/`` → the home page in the visitor's language (cookie, then Accept-Language)."""
    return HttpResponseRedirect(f"/{get_language()[:2]}/")
