import pytest

from learners.demo import DEMO_PLAN, demo_progress_install
from learners.models import Enrollment, LessonProgress, Statement
from tests import factories as base

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_courses(small_tree):
    from courses.demo import demo_courses_install

    for username in DEMO_PLAN:
        base.UserFactory(username=username, unit=small_tree["c1"])
    return demo_courses_install(stdout=open("/dev/null", "w"))


def test_demo_progress_completes_courses_through_the_services(demo_courses):
    summary = demo_progress_install()
    assert summary["skipped"] == []
    completed = Enrollment.objects.filter(status="completed")
    assert set(completed.values_list("user__username", "course__slug")) == {
        ("learner.berkane", "cybersecurite"),
        ("learner.aklim", "competences-numeriques"),
    }
    for enrollment in completed:
        assert (
            enrollment.final_score is not None
            and enrollment.final_score >= enrollment.course.pass_mark
        )
        assert enrollment.unit_at_completion_id is not None
    active = Enrollment.objects.get(
        user__username="learner.berkane", course__slug="administration-numerique"
    )
    assert 0 < active.progress_percent < 100
    assert LessonProgress.objects.filter(time_spent_seconds__gt=0).exists()


def test_demo_progress_is_idempotent(demo_courses):
    demo_progress_install()
    counts = (Enrollment.objects.count(), LessonProgress.objects.count(), Statement.objects.count())
    summary = demo_progress_install()
    assert summary["enrolled"] == 0
    assert (
        Enrollment.objects.count(),
        LessonProgress.objects.count(),
        Statement.objects.count(),
    ) == counts
