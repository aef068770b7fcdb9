"""Settings of the ingestion benchmark's server: the production profile (environment
set by bench/ingest.py) plus the floor endpoint's URLconf. Nothing else changes."""

from academy.settings.base import *  # noqa: F401,F403

ROOT_URLCONF = "ingest_urls"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
