"""After the real demo installer (``seed_demo``), every live page answers as intended for every
role in both languages: 200, a redirect (to sign in, or to the page's own place) or 403,
never 404 nor 500.

The pages come from Wagtail's page tree and the named URLs from the URL resolver, so a page
or a URL added later is covered without touching this test.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from tests.demo_seed import DEMO_PASSWORD, ROLES

# Not a browser test: it sits with the journeys to share their demo (tests/browser/conftest.py
# seeds it once per session). The demo is committed (as ``make demo`` leaves it, its on-commit
# work done) and flushed when the session ends; the requests below commit too (sessions).
pytestmark = pytest.mark.usefixtures("demo_committed", "demo_db")

ALL_ROLES = ("anonymous", *ROLES)
HR_ROLES = {"hr.berkane", "hr.oriental", "hr.national", "admin"}
# Namespaces of the project's own URLs (Wagtail's admin has its own tests).
OWN_NAMESPACES = {
    "accounts",
    "learners",
    "courses",
    "hr",
    "certificates",
    "h5p",
    "hr_api",
    "diagnostic",
    "",
}
# Views that only accept POST: a GET answers 405 (or sends an anonymous visitor to sign in).
POST_ONLY = {
    "learners:enrol",
    "learners:lesson_visit",
    "learners:lesson_heartbeat",
    "courses:quiz_start",
    "courses:assessment_start",
    "hr:export_xlsx",
    "hr:import_apply",
    "hr:campaign_launch",
    "diagnostic:start",
    "diagnostic:enrol",
    "diagnostic:plan",
    "certificates:renew",
    "set_language",
    "accounts:logout",
    "xapi-statements",
}
# Permanent redirects, to where they must lead: the browsers' /favicon.ico to the site's icon.
PERMANENT_REDIRECTS = {"favicon": "/favicon.svg"}
# The REST API answers 401/403 to a visitor who is not signed in (no login page to go to).
API_PREFIX = "/api/"
# Links that only work with a token sent by e-mail, and H5P files (reached through h5p.json).
# Wagtail's page server is covered page by page below, from the page tree.
SKIPPED = {
    "accounts:password_reset_confirm",
    "h5p:content_file",
    "h5p:library_file",
    "wagtail_serve",
}


def _named_urls(resolver=None, namespace=""):
    """(full name, pattern) of every named URL of the site, Wagtail's admin aside."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if str(entry.pattern).startswith("admin/") or str(entry.pattern).startswith(
                "documents/"
            ):
                continue
            yield from _named_urls(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            if namespace not in OWN_NAMESPACES:
                continue
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry


def _clients(client_factory):
    """A signed-in test client per role (anonymous: not signed in), with the demo's password.
    django-axes' backend needs the request (Django's ``Client.login`` passes none)."""
    from django.test import RequestFactory

    clients = {}
    for role in ALL_ROLES:
        client = client_factory()
        if role != "anonymous":
            request = RequestFactory().post("/accounts/login/")
            assert client.login(request=request, username=role, password=DEMO_PASSWORD), role
        clients[role] = client
    return clients


def _get(client, url, language):
    client.cookies["academie_language"] = language
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language)


def _demo_objects():
    from certificates.models import Certificate
    from courses.h5p.models import H5PActivity
    from courses.models import CoursePage, LessonPage

    lesson = next(
        page
        for page in LessonPage.objects.live().filter(locale__language_code="fr")
        if "h5p" in [block.block_type for block in page.body]
    )
    h5p_block = next(block for block in lesson.body if block.block_type == "h5p")
    activity = h5p_block.value["activity"]
    assert isinstance(activity, H5PActivity)
    certificate = Certificate.objects.order_by("pk").first()
    return {
        "course": CoursePage.objects.live().filter(locale__language_code="fr").first(),
        "lesson": lesson,
        "activity": activity,
        "certificate": certificate,
    }


def _url_args(name, pattern, objects, role_user):
    """Arguments for a named URL from the demo's own objects; None when none fits."""
    from academy.territories.models import Territory

    kwargs = {}
    for key in pattern.pattern.regex.groupindex:
        if key == "course_id":
            kwargs[key] = objects["course"].pk
        elif key in ("lesson_id",):
            kwargs[key] = objects["lesson"].pk
        elif key == "key" and name.startswith("h5p:"):
            kwargs[key] = objects["activity"].key
        elif key == "key" and name.startswith("certificates:"):
            # The QR code's identifier (a serial alone finds nothing: serials are sequential).
            kwargs[key] = str(objects["certificate"].uuid)
        elif key == "uuid":
            kwargs[key] = objects["certificate"].uuid
        elif key == "code":
            scope = getattr(role_user, "hr_scope", None) if role_user else None
            kwargs[key] = (
                scope.unit.code
                if scope and scope.unit
                else Territory.objects.get(code="02.113").code
            )
        elif key == "file_format":
            kwargs[key] = "csv"
        elif key == "exporter":
            from hr.exporters import REGISTRY

            kwargs[key] = next(iter(REGISTRY))
        elif key == "content_id":
            kwargs[key] = objects["activity"].pk
        else:
            return None  # owner-bound objects (attempts, jobs, tokens): covered by their journeys
    return kwargs


def _check(response, url, role, failures, allowed=(200, 302, 403), client=None, language=None,
           followed_allowed=(200, 302, 403)):  # fmt: skip
    if response.status_code not in allowed:
        failures.append(f"{role:<16} {response.status_code} {url}")
        return
    location = response.get("Location", "") if response.status_code in (301, 302) else ""
    if (
        client is not None
        and location.startswith("/")
        and "/accounts/login/" not in location
        and not location.startswith("/static/")  # not served by the test client
    ):
        # A redirect within the site (to the page's own place): where it leads answers too.
        followed = _get(client, location, language)
        if followed.status_code not in followed_allowed:
            failures.append(
                f"{role:<16} {response.status_code} → {followed.status_code} {location} {url}"
            )
    elif response.status_code == 302 and role == "anonymous":
        if "/accounts/login/" not in response["Location"] and not response["Location"].startswith(
            ("/fr/", "/ar/")
        ):
            failures.append(f"{role:<16} 302 → {response['Location']} {url}")


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_named_url_answers_every_role_in_both_languages(client_factory, language):
    from academy.accounts.models import User

    objects = _demo_objects()
    clients = _clients(client_factory)
    urls = sorted(set(_named_urls()))
    assert len(urls) > 20
    failures, checked = [], 0
    for role, client in clients.items():
        user = None if role == "anonymous" else User.objects.get(username=role)
        for name, pattern in urls:
            if name in SKIPPED:
                continue
            kwargs = _url_args(name, pattern, objects, user)
            if kwargs is None:
                continue
            with translation.override(language):
                url = reverse(name, kwargs=kwargs)
            response = _get(client, url, language)
            checked += 1
            allowed = (200, 302, 403, 405) if name in POST_ONLY else (200, 302, 403)
            if role == "anonymous" and url.startswith(API_PREFIX):
                allowed = (401, 403, 405) if name in POST_ONLY else (401, 403)
            if name in PERMANENT_REDIRECTS:
                allowed = (301,)
                if response.status_code == 301 and not response["Location"].endswith(
                    PERMANENT_REDIRECTS[name]
                ):
                    failures.append(f"{role:<16} 301 → {response['Location']} {url}")
            followed_allowed = (200, 302, 403)
            if name == "certificates:download" and objects["certificate"].enrollment.user != user:
                # Someone else's certificate: 404 by design (which certificates exist is not
                # told), after the language redirect of an unprefixed URL.
                followed_allowed = (404,) if user is not None else (200, 302)
            _check(response, url, role, failures, allowed, client, language, followed_allowed)
    assert checked > 20 * len(ALL_ROLES) // 2
    assert not failures, "\n".join(failures)


def _pages(language, kind):
    from wagtail.models import Page

    return [
        page
        for page in _reachable(Page.objects.live().filter(locale__language_code=language))
        if _kind(page) == kind
    ]


def _kind(page):
    return type(page).__name__.lower().removesuffix("page") or "page"


def _reachable(pages):
    """Live pages that a site serves (Wagtail's tree root and pages outside sites have no URL)."""
    return [page for page in pages.filter(depth__gt=1).specific() if page.get_url() is not None]


@pytest.mark.parametrize(
    "language,kind",
    [
        ("fr", "catalogue"),
        ("fr", "course"),
        ("fr", "module"),
        ("fr", "lesson"),
        ("ar", "catalogue"),
        ("ar", "course"),
        ("ar", "module"),
        ("ar", "lesson"),
    ],
)
def test_every_live_page_of_the_demo_answers_every_role(client_factory, language, kind):
    pages = _pages(language, kind)
    assert pages, f"no live {kind} page in {language}"
    clients = _clients(client_factory)
    failures = []
    for page in pages:
        url = page.get_url()
        assert url.startswith(f"/{language}/"), url
        for role, client in clients.items():
            response = _get(client, url, language)
            _check(response, url, role, failures, client=client, language=language)
            if role == "learner.berkane" and kind in ("catalogue", "course"):
                # Learners see the catalogue and the courses themselves.
                if response.status_code != 200:
                    failures.append(f"{role:<16} {response.status_code} {url} (expected 200)")
    assert not failures, "\n".join(failures)


def test_every_page_kind_of_the_tree_is_covered():
    """A new page model gets its own case above (this fails until it is listed)."""
    from wagtail.models import Page

    kinds = {_kind(page) for page in _reachable(Page.objects.live())}
    assert kinds <= {"catalogue", "course", "module", "lesson"}, kinds


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_hr_screens_are_for_hr_officers_only(client_factory, language):
    clients = _clients(client_factory)
    with translation.override(language):
        url = reverse("hr:home")
    for role, client in clients.items():
        response = _get(client, url, language)
        if role == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        elif role in HR_ROLES:
            # Sent to the dashboard of their own unit.
            assert response.status_code == 302, (role, response.status_code)
            assert f"/{language}/hr/unit/" in response["Location"]
            assert _get(client, response["Location"], language).status_code == 200, role
        else:
            assert response.status_code == 403, (role, response.status_code)


@pytest.fixture
def client_factory(demo_db):
    from django.test import Client

    return Client
