"""Writes of the project shell."""

from urllib.parse import urlsplit

from wagtail.models import Site


def default_site_point_at(*, url: str) -> Site | None:
    """Gives the default Wagtail site the host and port of ``url`` (e.g. SITE_URL), so that
    absolute page links (workflow e-mails, ``page.full_url``) name the address served."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return None
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    hostname = parts.hostname or site.hostname
    if (site.hostname, site.port) != (hostname, port):
        site.hostname, site.port = hostname, port
        site.save(update_fields=["hostname", "port"])
    return site
