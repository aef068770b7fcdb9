import pytest

from tests import factories as base
from tests.hr import factories as hr_factories


@pytest.fixture
def people(small_tree):
    """A learner in each commune and in the province of Berkane, and an officer per level."""
    t = small_tree
    learners = {
        key: hr_factories.learner(t[key], username=f"learner-{key}", last_name=f"Nom{key}")
        for key in ("c1", "c2", "c3", "c4", "p1")
    }
    officers = {
        "commune": base.hr_officer(t["c1"], username="officer-commune"),
        "province": base.hr_officer(t["p1"], username="officer-province"),
        "region": base.hr_officer(t["r1"], username="officer-region"),
        "national": base.hr_officer(None, username="officer-national"),
        "south": base.hr_officer(t["r2"], username="officer-south"),
    }
    return {"tree": t, "learners": learners, "officers": officers}


@pytest.fixture(autouse=True)
def live_staff_counts(settings):
    """Staff are counted live in tests unless a test turns the reuse on."""
    from django.core.cache import cache

    settings.DIAGNOSTIC_STAFF_MAX_AGE = 0
    cache.clear()
    yield
    cache.clear()
