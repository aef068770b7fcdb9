"""System checks: a broken certificate configuration shows at start-up, not at the
first completed course."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.compatibility, deploy=False)
def certificate_configuration_check(app_configs=None, **kwargs):
    from .fonts import FONT_PACKAGE, fonts_package_dir, fonts_ready

    messages = []
    config = getattr(settings, "ACADEMIE_SIGNING", None) or {}
    if not fonts_ready():
        hint = (
            "Run `python manage.py certificate_fonts`."
            if fonts_package_dir().is_dir()
            else f"Run `npm install` (package {FONT_PACKAGE}), then `python manage.py certificate_fonts`."
        )
        messages.append(
            Warning("The certificate fonts are not built.", hint=hint, id="certificates.W001")
        )
    backend = config.get("BACKEND", "")
    if not backend:
        messages.append(Error("ACADEMIE_SIGNING['BACKEND'] is empty.", id="certificates.E001"))
    else:
        from django.utils.module_loading import import_string

        try:
            import_string(backend)
        except ImportError as exc:
            messages.append(
                Error(
                    f"ACADEMIE_SIGNING['BACKEND'] cannot be imported: {exc}", id="certificates.E002"
                )
            )
    if config.get("PKCS12_PATH"):
        from pathlib import Path

        if not Path(config["PKCS12_PATH"]).is_file():
            messages.append(
                Error(
                    f"SIGNING_PKCS12_PATH {config['PKCS12_PATH']} does not exist.",
                    id="certificates.E003",
                )
            )
    elif bool(config.get("KEY_PATH")) != bool(config.get("CERT_PATH")):
        messages.append(
            Error(
                "SIGNING_KEY_PATH and SIGNING_CERT_PATH must be set together.",
                id="certificates.E004",
            )
        )
    if getattr(settings, "PROFILE", "") == "production":
        if backend.endswith("DummyBackend"):
            messages.append(
                Error(
                    "Production certificates would be unsigned (DummyBackend).",
                    id="certificates.E005",
                )
            )
        elif not (config.get("PKCS12_PATH") or config.get("KEY_PATH")):
            messages.append(
                Warning(
                    "Certificates are signed with the local DEMO CA.",
                    hint="Set SIGNING_PKCS12_PATH (or SIGNING_KEY_PATH and SIGNING_CERT_PATH).",
                    id="certificates.W002",
                )
            )
    return messages
