import gzip
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.contrib.staticfiles import finders

from academy.core.management.commands.compile_translations import catalogues

BUDGET_BYTES = 50 * 1024


def test_base_page_with_its_stylesheet_weighs_under_50_kb_compressed(client, db):
    response = client.get("/fr/accounts/login/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    html_bytes = len(response.content)
    css = Path(finders.find("css/academie.css")).read_bytes()
    total = html_bytes + len(gzip.compress(css))
    assert total < BUDGET_BYTES, f"{total} bytes transferred"
    assert b"<script" not in gzip.decompress(response.content)


def test_page_has_landmarks_a_skip_link_and_labelled_fields(client, db):
    html = client.get("/ar/accounts/login/").content.decode()
    for landmark in ("<header", "<nav", "<main", "<footer"):
        assert landmark in html
    assert 'href="#main"' in html
    assert '<label for="id_username">' in html and '<label for="id_password">' in html


def test_stylesheet_uses_logical_properties_only():
    css = Path(finders.find("css/academie.css")).read_text()
    for physical in (
        "margin-left",
        "margin-right",
        "padding-left",
        "padding-right",
        "text-align: left",
        "text-align: right",
        "float: left",
        "float: right",
        "border-left",
        "border-right",
    ):
        assert physical not in css, physical


def _all_catalogues():
    return sorted(catalogues(Path(settings.BASE_DIR)))


def test_every_app_ships_french_and_arabic_catalogues():
    langs = {(po.parent.parent.parent.parent, po.parent.parent.name) for po in _all_catalogues()}
    roots = {root for root, _ in langs}
    assert roots, "no catalogue found"
    for root in roots:
        assert {(root, "fr"), (root, "ar")} <= langs, root


@pytest.mark.parametrize(
    "po", _all_catalogues(), ids=lambda p: str(p.relative_to(settings.BASE_DIR))
)
def test_catalogue_has_every_message_translated(po):
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=po.parent.parent.name)
    untranslated = [
        m.id
        for m in catalog
        if m.id and (m.fuzzy or not (m.string if isinstance(m.string, str) else all(m.string)))
    ]
    assert not untranslated, f"{len(untranslated)} untranslated in {po}: {untranslated[:10]}"


@pytest.mark.parametrize(
    "mo",
    [po.with_suffix(".mo") for po in _all_catalogues() if po.parent.parent.name == "ar"],
    ids=lambda p: str(p.relative_to(settings.BASE_DIR)),
)
def test_compiled_arabic_catalogues_carry_the_six_arabic_plural_forms(mo):
    import gettext

    with mo.open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)
    assert [catalog.plural(n) for n in (0, 1, 2, 3, 11)] == [0, 1, 2, 3, 4]


def test_arabic_plural_counts_read_right_on_pages():
    from django.utils import translation
    from django.utils.translation import ngettext

    with translation.override("ar"):
        three = ngettext("%(counter)s course", "%(counter)s courses", 3) % {"counter": 3}
        one = ngettext("%(counter)s course", "%(counter)s courses", 1) % {"counter": 1}
    assert three == "3 تكوينات" and one == "تكوين واحد"


def test_pages_name_a_local_favicon_that_is_served(client, db):
    html = client.get("/fr/accounts/login/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg"' in html
    assert finders.find("favicon.svg")
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/favicon.svg"


def test_no_template_or_stylesheet_loads_anything_from_another_site(settings):
    import re

    assert settings.WAGTAIL_GRAVATAR_PROVIDER_URL is None  # admin avatars stay local
    assert settings.WAGTAIL_ENABLE_UPDATE_CHECK is False  # no upgrade check from the admin
    base = Path(settings.BASE_DIR)
    remote = re.compile(
        r"""(?:src|href)=["'](?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import\s+["']?(?:https?:)?//"""
    )
    offenders = []
    for path in [
        *base.glob("templates/**/*.html"),
        *base.glob("*/templates/**/*.html"),
        *base.glob("*/*/templates/**/*.html"),
        *base.glob("static/**/*.css"),
    ]:
        if remote.search(path.read_text()):
            offenders.append(str(path.relative_to(base)))
    assert offenders == []
