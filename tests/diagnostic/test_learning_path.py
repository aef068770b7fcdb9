import pytest

from diagnostic.selectors import diagnostic_profile, learning_path
from diagnostic.services import learning_path_enrol
from learners.models import Enrollment
from tests.diagnostic import factories
from tests.hr import factories as hr_factories

pytestmark = pytest.mark.django_db


def test_the_path_offers_the_courses_of_the_weakest_competences_most_covered_first(people):
    user = people["learners"]["c1"]
    weak = {"3.4", "4.2"}
    strong = {c for c in ("1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "3.1",
                          "3.2", "3.3", "4.1", "4.3", "4.4", "5.1", "5.2", "5.3", "5.4")}  # fmt: skip
    d = factories.submitted(user, right=strong)
    both = factories.course_with_competences("Données et scripts", ["3.4", "4.2"])
    one = factories.course_with_competences("Protéger les données", ["4.2"])
    unrelated = factories.course_with_competences("Courriel", ["2.1"])
    profile = diagnostic_profile(user=user, diagnostic_id=d.pk)
    assert set(profile.weakest_codes) == weak
    path = learning_path(user=user, weakest_codes=profile.weakest_codes, language="fr")
    assert [p.course.pk for p in path] == [both.pk, one.pk]
    assert unrelated.pk not in [p.course.pk for p in path]
    assert not any(p.enrolled for p in path)


def test_completed_courses_leave_the_path_and_enrolled_ones_are_marked(people):
    user = people["learners"]["c1"]
    done = factories.course_with_competences("Fait", ["4.2"])
    started = factories.course_with_competences("Commencé", ["4.2"])
    hr_factories.enrollment(user=user, course=done, completed=True)
    hr_factories.enrollment(user=user, course=started)
    path = learning_path(user=user, weakest_codes=["4.2"], language="fr")
    assert [(p.course.pk, p.enrolled) for p in path] == [(started.pk, True)]


def test_one_click_enrols_through_the_learners_service(people, client):
    user = people["learners"]["c1"]
    course = factories.course_with_competences("Protéger les données", ["4.2"])
    client.force_login(user)
    response = client.post(f"/fr/diagnostic/enrol/{course.pk}/")
    assert response.status_code == 302
    enrolment = Enrollment.objects.get(user=user, course=course)
    assert enrolment.unit_at_enrollment == user.unit
    # twice: the same enrolment
    assert learning_path_enrol(user=user, course_id=course.pk).pk == enrolment.pk


def test_an_unpublished_course_cannot_be_enrolled_from_the_path(people, client):
    user = people["learners"]["c1"]
    course = factories.course_with_competences("Brouillon", ["4.2"])
    course.unpublish()
    client.force_login(user)
    client.post(f"/fr/diagnostic/enrol/{course.pk}/")
    assert not Enrollment.objects.filter(user=user).exists()
