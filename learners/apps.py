from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearnersConfig(AppConfig):
    name = "learners"
    verbose_name = _("Learners and progress")

    def ready(self):
        from academy.core.demo import demo_step_register

        from . import (
            checks,  # noqa: F401 - registers the system checks
            demo,
            personal_data,
            signals,
        )

        signals.connect()
        personal_data.register()
        demo_step_register(30, demo.demo_step)
