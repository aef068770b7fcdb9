import pytest

from tests import factories as base
from tests.hr import factories


@pytest.fixture(autouse=True)
def live_figures(settings):
    """Figures are computed live in tests unless a test turns the snapshot on."""
    from django.core.cache import cache

    settings.HR_STATS_SNAPSHOT_MAX_AGE = 0
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _private_files(private_storage):
    """Export files go to a throw-away private storage."""
    return private_storage


@pytest.fixture
def world(small_tree):
    """One learner with a completion and a certificate in each commune, plus province staff.

    Learner names carry the commune key so that leaks are easy to spot in any output.
    """
    t = small_tree
    course = factories.course("Compétences numériques")
    people = {}
    for key in ("c1", "c2", "c3", "c4", "p1"):
        user = factories.learner(
            t[key],
            username=f"learner-{key}",
            matricule=f"MAT-{key}",
            last_name=f"Nom{key}",
            first_name="Amina",
            last_name_ar=f"الإدريسي{key}",
            first_name_ar="أمينة",
            job_title="Technicien",
        )
        enrolment = factories.enrollment(user=user, course=course, completed=True, final_score="80")
        factories.certificate(enrollment=enrolment)
        people[key] = user
    # An active learner (not completed) in c1, active today.
    extra = factories.learner(
        t["c1"],
        username="learner-c1b",
        matricule="MAT-c1b",
        last_name="Nomc1b",
        job_title="Ingénieur",
    )
    factories.enrollment(user=extra, course=course, active_days_ago=0)
    people["c1b"] = extra
    officers = {
        "commune": base.hr_officer(t["c1"], username="officer-commune"),
        "province": base.hr_officer(t["p1"], username="officer-province"),
        "region": base.hr_officer(t["r1"], username="officer-region"),
        "national": base.hr_officer(None, username="officer-national"),
    }
    return {"tree": t, "course": course, "people": people, "officers": officers}


# Which learners each officer may see (by the key of their unit).
VISIBLE = {
    "commune": {"c1", "c1b"},
    "province": {"c1", "c1b", "c2", "p1"},
    "region": {"c1", "c1b", "c2", "p1"},
    "national": {"c1", "c1b", "c2", "c3", "c4", "p1"},
}
