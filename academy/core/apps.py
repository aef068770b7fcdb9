from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "academy.core"
    label = "core"
    verbose_name = "Académie"

    def ready(self):
        from django.core import checks

        from . import pagecache
        from .antivirus import check_antivirus

        checks.register(check_antivirus)
        pagecache.connect_signals()
