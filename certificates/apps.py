from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")

    def ready(self):
        from academy.core.demo import demo_step_register
        from learners.awards import award_provider_register

        from . import (
            checks,  # noqa: F401 - registers the system checks
            demo,
            personal_data,
            selectors,
            signals,
        )

        signals.connect()
        personal_data.register()
        demo_step_register(40, demo.demo_step)
        award_provider_register("certificates", selectors.certificate_awards)
