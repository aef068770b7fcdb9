"""SITE_URL names the address the demo serves on, whatever its PORT."""

import pytest
from django.conf import settings as django_settings
from wagtail.models import Page, Site

from academy.core.management.commands.runserver import site_url_follow_server
from academy.core.services import default_site_point_at
from academy.settings.env import Env


def test_site_url_follows_the_port_the_demo_is_given():
    assert Env.from_environ({"PORT": "8123"}).site_url == "http://127.0.0.1:8123"
    assert Env.from_environ({"HOST": "0.0.0.0", "PORT": "8123"}).site_url == "http://127.0.0.1:8123"
    assert Env.from_environ({}).site_url == "http://127.0.0.1:8000"


def test_an_explicit_site_url_wins_over_the_port():
    env = Env.from_environ({"PORT": "8123", "SITE_URL": "https://academie.example.ma/"})
    assert env.site_url == "https://academie.example.ma"


def test_runserver_points_site_url_at_the_address_it_serves(settings, monkeypatch):
    monkeypatch.delenv("SITE_URL", raising=False)
    settings.SITE_URL = "http://127.0.0.1:8000"
    site_url_follow_server(addr="127.0.0.1", port=8123)
    assert django_settings.SITE_URL == "http://127.0.0.1:8123"
    assert django_settings.WAGTAILADMIN_BASE_URL == "http://127.0.0.1:8123"


def test_runserver_leaves_an_explicit_site_url_alone(settings, monkeypatch):
    monkeypatch.setenv("SITE_URL", "https://academie.example.ma")
    settings.SITE_URL = "https://academie.example.ma"
    site_url_follow_server(addr="0.0.0.0", port=8123)
    assert django_settings.SITE_URL == "https://academie.example.ma"


@pytest.mark.django_db
def test_default_site_takes_the_host_and_port_of_site_url():
    root = Page.get_first_root_node()
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", port=80, root_page=root, is_default_site=True)
    site = default_site_point_at(url="http://127.0.0.1:8123")
    site.refresh_from_db()
    assert (site.hostname, site.port) == ("127.0.0.1", 8123)
    assert site.root_url == "http://127.0.0.1:8123"
