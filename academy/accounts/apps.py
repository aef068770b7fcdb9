from django.apps import AppConfig
from wagtail.users.apps import WagtailUsersAppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True
    name = "academy.accounts"
    label = "accounts"
    verbose_name = _("Accounts")


class AcademyUsersAppConfig(WagtailUsersAppConfig):
    """Replaces ``wagtail.users`` in INSTALLED_APPS to plug in the custom user admin."""

    user_viewset = "academy.accounts.viewsets.AcademyUserViewSet"
