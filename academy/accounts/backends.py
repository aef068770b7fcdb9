from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q


class UsernameOrMatriculeBackend(ModelBackend):
    """Employees sign in with their username or their employee number (matricule)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        User = get_user_model()
        user = User.objects.filter(Q(username__iexact=username) | Q(matricule=username)).first()
        if user is None:
            User().set_password(password)  # same cost as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def canonical_login_name(request, credentials=None) -> str:
    """django-axes' name for the account being signed in to (``AXES_USERNAME_CALLABLE``).

    The username and the matricule of one employee count as the same account, so that
    alternating them does not double the attempts; unknown names count as typed (folded).
    """
    field = "username"
    typed = ""
    if credentials:
        typed = credentials.get(field) or ""
    elif request is not None and hasattr(request, "POST"):
        typed = request.POST.get(field, "")
    typed = str(typed).strip()[:150]
    if not typed:
        return ""
    User = get_user_model()
    username = (
        User.objects.filter(Q(username__iexact=typed) | Q(matricule=typed))
        .values_list("username", flat=True)
        .first()
    )
    return (username or typed).lower()
