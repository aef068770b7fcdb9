from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HRConfig(AppConfig):
    name = "hr"
    label = "hr"
    verbose_name = _("HR statistics")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from academy.core.demo import demo_step_register

        from . import demo, signals

        signals.connect()
        demo_step_register(50, demo.demo_step)
