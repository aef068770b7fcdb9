from django.conf import settings
from django.utils.translation import get_language, get_language_bidi


def shell(request):
    """What the base template needs on every page: direction and the other language."""
    current = (get_language() or settings.LANGUAGE_CODE)[:2]
    return {
        "LANG": current,
        "DIR": "rtl" if get_language_bidi() else "ltr",
        "OTHER_LANGUAGES": [(code, name) for code, name in settings.LANGUAGES if code != current],
        "SITE_NAME": settings.WAGTAIL_SITE_NAME,
    }
