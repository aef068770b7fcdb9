from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.urls import translate_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .models import Language
from .services import user_set_language


def _set_language_cookie(response, language):
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=getattr(settings, "SESSION_COOKIE_SECURE", False),
    )
    return response


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        language = user.preferred_language
        response = super().form_valid(form)
        if response.has_header("Location"):
            # Resolved in the request's language, reversed in the user's own.
            response["Location"] = translate_url(response["Location"], language)
        return _set_language_cookie(response, language)


@require_POST
def set_language(request):
    """Switch the interface language, remember it for signed-in users, stay on the same page."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or ""
    if language not in Language.values:
        return HttpResponseRedirect("/")
    if not next_url or not url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, request.is_secure()
    ):
        next_url = f"/{language}/"
    if request.user.is_authenticated:
        user_set_language(user=request.user, language=language)
    response = HttpResponseRedirect(translate_url(next_url, language))
    return _set_language_cookie(response, language)
