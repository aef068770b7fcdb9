import pytest
from django.conf import settings
from django.core.cache import cache

from certificates.fonts import fonts_build
from certificates.signing import signing_reset
from tests.certificates import factories


@pytest.fixture(scope="session", autouse=True)
def certificate_fonts():
    """The TrueType fonts built from node_modules (idempotent, fast when up to date)."""
    fonts_build()


@pytest.fixture(autouse=True)
def _private_files(private_storage):
    """Certificates are written to a throw-away private storage."""
    return private_storage


@pytest.fixture
def demo_ca_dir():
    return settings.ACADEMIE_SIGNING["DEMO_DIR"]


@pytest.fixture
def unit(small_tree):
    return small_tree["c1"]


@pytest.fixture
def learner(unit):
    from tests.factories import UserFactory

    return UserFactory(
        username="fz.idrissi",
        first_name="Fatima-Zahra",
        last_name="El Idrissi",
        first_name_ar="فاطمة الزهراء",
        last_name_ar="الإدريسي",
        matricule="M004512",
        unit=unit,
    )


@pytest.fixture
def course_page(db):
    return factories.course(
        title_fr="Sécurité de l'information",
        title_ar="أمن المعلومات",
        template=factories.template(),
    )


@pytest.fixture
def enrollment(learner, course_page):
    return factories.completed_enrollment(user=learner, course_page=course_page)


@pytest.fixture
def clear_cache():
    """An empty cache before and after the test (rate-limit counters, cached pages): used by
    the modules that count requests or read pages (``usefixtures("clear_cache")``)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def expiring_course(course_page):
    """The course's certificates are valid 24 months; renewal opens 30 days before expiry."""
    course_page.certificate_validity_months = 24
    course_page.recertification_window_days = 30
    course_page.save()
    return course_page


@pytest.fixture
def fresh_signing():
    signing_reset()
    yield
    signing_reset()


@pytest.fixture(autouse=True)
def _rate_limit_windows_do_not_roll_over(monkeypatch):
    """django-ratelimit counts in fixed clock windows; on a slow machine a test could cross a
    window's end and see its count reset. Every test here counts in one window of its own."""
    import time

    import django_ratelimit.core

    window_end = int(time.time()) + 3600
    monkeypatch.setattr(django_ratelimit.core, "_get_window", lambda value, period: window_end)
