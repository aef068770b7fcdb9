from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearnersConfig(AppConfig):
    name = "learners"
    verbose_name = _("Learners and progress")

    def ready(self):
        from . import checks  # noqa: F401 - registers the system checks
