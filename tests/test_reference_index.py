"""Records that learners and workers write in bulk stay out of Wagtail's reference index.

Registering a model in an admin viewset puts it in the index, and every save then runs an
index update task (several queries) inside the request: under load, each enrolment and each
lesson visit that changed the progress paid for it (bench/load.py)."""

import pytest
from django.urls import reverse
from wagtail.models.reference_index import ReferenceIndex


@pytest.fixture(autouse=True)
def _admin_viewsets_registered():
    reverse("wagtailadmin_home")  # builds the URLconf: the admin viewsets register their models


@pytest.mark.parametrize(
    "label",
    [
        "learners.Enrollment",
        "learners.BulkEnrollmentJob",
        "hr.ExportJob",
        "hr.StaffImportJob",
        "audit.AuditEntry",
        "certificates.Certificate",
    ],
)
def test_records_are_not_tracked_by_the_reference_index(label):
    from django.apps import apps

    model = apps.get_model(label)
    assert model not in ReferenceIndex.tracked_models


@pytest.mark.django_db
def test_enrolling_and_visiting_lessons_write_no_reference_rows(
    django_capture_on_commit_callbacks,
):
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ReferenceIndex as Rows

    from learners import services
    from learners.models import Enrollment
    from tests import factories as base
    from tests.learners import factories

    user = base.UserFactory(unit=base.region())
    tree = factories.course_tree(modules=((True, 2),), final=False, pass_mark=70)
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_create(learner=user, course=tree.course)
        services.lesson_visit_record(user=user, lesson=tree.lessons[0])
    enrollment_type = ContentType.objects.get_for_model(Enrollment)
    assert not Rows.objects.filter(base_content_type=enrollment_type).exists()
    assert Enrollment.objects.get(user=user).progress_percent == 50
