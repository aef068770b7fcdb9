from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import translate_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
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


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout response (``AXES_LOCKOUT_CALLABLE``): the sign-in page, in the
    page's language, saying why and for how long, with status 429."""
    minutes = int(round(float(settings.AXES_COOLOFF_TIME) * 60))
    message = _(
        "Too many failed sign-in attempts for this account or from this network. Signing in is "
        "blocked for %(minutes)s minutes. If you need access sooner, ask a platform administrator "
        "to unlock it."
    ) % {"minutes": minutes}
    form = AuthenticationForm(request, data=None)
    if request.method == "POST":
        form.initial["username"] = request.POST.get("username", "")[:150]
    return render(
        request,
        LoginView.template_name,
        {"form": form, "locked_out_message": message, "next": request.POST.get("next", "")},
        status=429,
    )


@login_required
def my_data(request):
    """Law 09-08: everything the platform holds about the signed-in person, readable."""
    from .personal_data import personal_data_for

    return render(request, "accounts/my_data.html", {"data": personal_data_for(user=request.user)})


@login_required
def my_data_json(request):
    """The same, as a JSON file to download."""
    from academy.audit.models import AuditAction
    from academy.audit.services import audit_record

    from .personal_data import personal_data_for

    audit_record(
        actor=request.user,
        action=AuditAction.PERSONAL_DATA_EXPORT,
        target=request.user,
        request=request,
    )
    response = JsonResponse(
        personal_data_for(user=request.user), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = f'attachment; filename="academie-{request.user.pk}-data.json"'
    return response


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
