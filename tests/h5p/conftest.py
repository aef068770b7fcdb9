import pytest

from courses.h5p.models import H5PPackage
from courses.h5p.services import h5p_activity_create, h5p_package_import
from tests.h5p import factories


@pytest.fixture(autouse=True)
def _private_files(private_storage):
    """Each test gets its own private storage folder."""
    return private_storage


@pytest.fixture
def import_package(db, django_capture_on_commit_callbacks):
    """Imports bytes through the service and runs the queued extraction (after commit)."""

    def run(data: bytes, **kw) -> H5PPackage:
        with django_capture_on_commit_callbacks(execute=True):
            package = h5p_package_import(file=data, **kw)
        package.refresh_from_db()
        return package

    return run


@pytest.fixture
def make_activity(import_package):
    def run(key="quiz-test", language="fr", data=None):
        package = import_package(data or factories.valid_package(language=language))
        assert package.status == H5PPackage.Status.READY, package.errors
        return h5p_activity_create(key=key, title=key, package=package, language=language)

    return run


@pytest.fixture(autouse=True)
def english_messages():
    """Service messages are compared with their English msgids, whether or not the
    catalogues are compiled; HTTP tests compare with the French translation instead."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def learner_playing():
    """``run(user, activity, lesson)``: the learner is enrolled in the lesson's course and the
    player was served to them there a minute ago (the evidence a result needs)."""
    from datetime import timedelta

    from django.utils import timezone

    from courses import selectors as course_tree
    from courses.h5p.models import H5PPlay
    from learners.services import enrollment_get_or_create

    def run(user, activity, lesson, *, enrol=True, served=True):
        if enrol:
            course = course_tree.lesson_course(lesson=course_tree.canonical_lesson(lesson))
            enrollment_get_or_create(learner=user, course=course)
        if served:
            when = timezone.now() - timedelta(minutes=1)
            H5PPlay.objects.create(
                user=user,
                activity=activity,
                lesson_id=lesson.pk,
                first_served_at=when,
                last_served_at=when,
            )
        return user

    return run
