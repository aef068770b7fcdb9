from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiagnosticConfig(AppConfig):
    name = "diagnostic"
    verbose_name = _("Digital-skills diagnostic")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from academy.core.demo import demo_step_register

        from . import checks, demo, personal_data  # noqa: F401 - checks: the system checks

        personal_data.register()
        demo_step_register(60, demo.demo_step)
