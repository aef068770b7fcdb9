"""``runserver`` that serves on ``PORT`` by default and makes SITE_URL name the address
it serves on (unless SITE_URL is set), so that a demo on any port prints, e-mails and
encodes in QR codes links to itself."""

import os

from django.conf import settings
from django.contrib.staticfiles.management.commands.runserver import Command as StaticRunserver

from academy.settings.env import DEFAULT_PORT, served_url


def site_url_follow_server(*, addr: str, port) -> None:
    """Points SITE_URL (and Wagtail's admin base URL) at ``addr:port`` unless SITE_URL
    was configured explicitly."""
    if (os.environ.get("SITE_URL") or "").strip():
        return
    url = served_url("0.0.0.0" if addr == "0" else addr, port)
    settings.SITE_URL = url
    settings.WAGTAILADMIN_BASE_URL = url


class Command(StaticRunserver):
    default_port = (os.environ.get("PORT") or "").strip() or DEFAULT_PORT

    def on_bind(self, server_port):
        site_url_follow_server(addr=self.addr, port=server_port)
        super().on_bind(server_port)
