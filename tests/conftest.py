import os

import pytest

from tests import factories


@pytest.fixture
def small_tree(db):
    """Two regions, each with a province and two communes: enough to test scope."""
    r1 = factories.region(name_fr="Oriental", name_ar="الشرق")
    p1 = factories.province(r1, name_fr="Berkane", name_ar="بركان")
    c1 = factories.commune(p1, name_fr="Berkane", name_ar="بركان", kind="urban")
    c2 = factories.commune(p1, name_fr="Aklim", name_ar="أكليم")
    r2 = factories.region(name_fr="Souss-Massa", name_ar="سوس ماسة")
    p2 = factories.province(r2, name_fr="Tiznit", name_ar="تيزنيت")
    c3 = factories.commune(p2, name_fr="Tiznit", name_ar="تيزنيت", kind="urban")
    c4 = factories.commune(p2, name_fr="Aglou", name_ar="أكلو")
    for unit in (r1, p1, c1, c2, r2, p2, c3, c4):
        unit.refresh_from_db()
    return {"r1": r1, "p1": p1, "c1": c1, "c2": c2, "r2": r2, "p2": p2, "c3": c3, "c4": c4}


@pytest.fixture
def production_services():
    """Skips unless the production profile's services are configured (CI's second pass)."""
    if not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")):
        pytest.skip("needs DATABASE_URL and REDIS_URL (production profile pass)")


@pytest.fixture(autouse=True)
def _reset_language():
    """Requests leave their language active in the thread: start every test in French."""
    from django.utils import translation

    translation.activate("fr")
    yield
    translation.activate("fr")
