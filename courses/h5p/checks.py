"""System checks for broken H5P configurations."""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.checks import Error, Tags, Warning, register

LIMIT_KEYS = (
    "MAX_UPLOAD_BYTES",
    "MAX_UNCOMPRESSED_BYTES",
    "MAX_FILES",
    "MAX_COMPRESSION_RATIO",
    "MAX_USER_DATA_BYTES",
    "SAVE_FREQ_SECONDS",
)


@register(Tags.files)
def h5p_storage_check(app_configs=None, **kwargs):
    errors = []
    private = settings.STORAGES.get("private")
    if not private:
        return [
            Error(
                'STORAGES has no "private" storage: H5P packages cannot be stored.', id="h5p.E001"
            )
        ]
    location = (private.get("OPTIONS") or {}).get("location")
    if private.get("BACKEND") == "storages.backends.s3.S3Storage":
        # A shared bucket: the private prefix must not be the public media's.
        media = (settings.STORAGES.get("default", {}).get("OPTIONS") or {}).get("location")
        if media is not None and (location or "").startswith(media):
            errors.append(
                Error(
                    "The private storage is inside the public media's prefix of the bucket.",
                    hint="Give STORAGES['private'] a location of its own.",
                    id="h5p.E002",
                )
            )
        return errors
    if location and settings.MEDIA_ROOT:
        if Path(location).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve()):
            errors.append(
                Error(
                    "The private storage is inside MEDIA_ROOT: H5P files would be public.",
                    hint="Point STORAGES['private'] outside MEDIA_ROOT.",
                    id="h5p.E002",
                )
            )
    return errors


@register()
def h5p_settings_check(app_configs=None, **kwargs):
    from .selectors import h5p_settings

    conf = h5p_settings()
    return [
        Error(f"settings.H5P['{key}'] must be a positive whole number.", id="h5p.E003")
        for key in LIMIT_KEYS
        if not isinstance(conf.get(key), int) or isinstance(conf.get(key), bool) or conf[key] <= 0
    ]


@register(Tags.staticfiles)
def h5p_player_check(app_configs=None, **kwargs):
    from .selectors import h5p_settings

    prefix = h5p_settings()["PLAYER_STATIC_PREFIX"]
    missing = [
        name
        for name in ("main.bundle.js", "frame.bundle.js", "styles/h5p.css")
        if not finders.find(f"{prefix}/{name}")
    ]
    if missing:
        return [
            Warning(
                "The h5p-standalone player is not installed: "
                + ", ".join(f"{prefix}/{m}" for m in missing)
                + " not found.",
                hint="Run `npm ci` at the project root (package-lock.json pins h5p-standalone 3.8).",
                id="h5p.W001",
            )
        ]
    return []
