from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class H5PConfig(AppConfig):
    name = "courses.h5p"
    label = "h5p"
    verbose_name = _("H5P activities")

    def ready(self):
        from academy.core.demo import demo_step_register
        from academy.core.statements import statement_handler_register

        from . import (
            checks,  # noqa: F401  (registers the system checks)
            demo,
        )
        from .statements import H5PStatementHandler

        demo_step_register(10, demo.demo_step)

        statement_handler_register("h5p", H5PStatementHandler())
