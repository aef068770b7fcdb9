import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from academy.accounts.selectors import Visibility
from diagnostic.bank import bank
from diagnostic.models import CompetenceResult, Diagnostic, UnitMaturity
from diagnostic.selectors import diagnostic_page, diagnostic_progress, stored_maturity
from diagnostic.services import (
    diagnostic_answers_save,
    diagnostic_start,
    diagnostic_submit,
    unit_maturity_rebuild,
)
from hr.selectors import Scope
from tests.diagnostic import factories

pytestmark = pytest.mark.django_db


def NATIONAL():
    return Scope(visibility=Visibility(everything=True), unit=None)


def test_the_competences_of_digcomp_2_2_are_installed_by_the_migrations():
    from courses.models import Competence, CompetenceArea

    assert CompetenceArea.objects.count() == 5
    assert Competence.objects.count() == 21
    assert Competence.objects.get(code="4.2").area.code == "4"


def test_starting_again_resumes_the_sitting_in_progress(people):
    user = people["learners"]["c1"]
    first = diagnostic_start(user=user, rng=random.Random(1))
    diagnostic_answers_save(
        diagnostic=first, user=user, answers={first.questions[0]["id"]: [0]}, self_ratings={},
        page=2,
    )  # fmt: skip
    again = diagnostic_start(user=user, rng=random.Random(2))
    assert again.pk == first.pk
    assert again.page == 2
    assert diagnostic_progress(again) == (1, 42)


def test_answers_are_stored_as_the_bank_options_behind_the_positions_shown(people):
    user = people["learners"]["c1"]
    d = diagnostic_start(user=user, rng=random.Random(1))
    item = d.questions[0]
    diagnostic_answers_save(diagnostic=d, user=user, answers={item["id"]: ["1"]}, self_ratings={},
                            page=0)  # fmt: skip
    d.refresh_from_db()
    assert d.answers[item["id"]] == [item["order"][1]]
    page = diagnostic_page(diagnostic=d, page=0, language="fr")
    shown = next(q for q in page["questions"] if q["id"] == item["id"])
    assert shown["chosen"] == {1}


@pytest.mark.parametrize(
    "bad",
    [
        {"answers": {"9.9-z": [0]}},
        {"answers": "position"},
        {"answers": "two"},
        {"answers": "text"},
        {"ratings": {"1.1": 9}},
        {"ratings": {"9.9": 2}},
    ],
)
def test_a_bad_page_is_refused_whole(people, bad):
    user = people["learners"]["c1"]
    d = diagnostic_start(user=user, rng=random.Random(1))
    single = next(i for i in d.questions if bank()[i["id"]].type == "single")
    good = {d.questions[1]["id"]: [0]}
    answers = dict(good)
    if bad.get("answers") == "position":
        answers[single["id"]] = [7]
    elif bad.get("answers") == "two":
        answers[single["id"]] = [0, 1]
    elif bad.get("answers") == "text":
        answers[single["id"]] = ["x"]
    elif isinstance(bad.get("answers"), dict):
        answers.update(bad["answers"])
    with pytest.raises(ValidationError):
        diagnostic_answers_save(
            diagnostic=d, user=user, answers=answers, self_ratings=bad.get("ratings", {}), page=1
        )
    d.refresh_from_db()
    assert d.answers == {} and d.self_ratings == {} and d.page == 0


def test_nobody_answers_or_submits_someone_elses_diagnostic(people):
    owner, other = people["learners"]["c1"], people["learners"]["c2"]
    d = diagnostic_start(user=owner)
    with pytest.raises(PermissionDenied):
        diagnostic_answers_save(diagnostic=d, user=other, answers={}, self_ratings={}, page=0)
    with pytest.raises(PermissionDenied):
        diagnostic_submit(diagnostic=d, user=other)


def test_submitting_grades_every_competence_and_refuses_a_second_submission(people):
    user = people["learners"]["c1"]
    d = factories.submitted(user, right={"1.1", "4.2"}, rating=2)
    results = {r.competence.code: r for r in CompetenceResult.objects.filter(diagnostic=d)}
    assert len(results) == 21
    assert results["1.1"].score == 100 and results["1.1"].level == 3
    assert results["2.1"].score == 0 and results["2.1"].level == 1
    assert results["4.2"].self_rating == 2
    assert d.status == Diagnostic.Status.SUBMITTED and d.is_latest
    assert d.unit_id == user.unit_id
    with pytest.raises(ValidationError):
        diagnostic_submit(diagnostic=d, user=user)


def test_a_retake_becomes_the_latest_and_the_unit_rollup_counts_the_person_once(people):
    user = people["learners"]["c1"]
    first = factories.submitted(user, right=set(), seed=1)
    second = factories.submitted(user, all_right=True, seed=2)
    first.refresh_from_db()
    assert not first.is_latest and second.is_latest
    assert {i["id"] for i in first.questions} != {i["id"] for i in second.questions}
    assert UnitMaturity.objects.get(unit=user.unit).diagnosed == 1
    m = stored_maturity(scope=NATIONAL())[user.unit.path]
    assert m.diagnosed == 1
    assert m.competences["1.1"] == [100.0, 1, 0]
    assert m.area_levels["1"] == [0, 0, 1, 0]


def test_a_learner_who_moved_counts_for_the_new_unit_after_a_retake(people):
    user = people["learners"]["c1"]
    factories.submitted(user)
    user.unit = people["tree"]["c2"]
    user.save()
    factories.submitted(user, seed=2)
    assert not UnitMaturity.objects.filter(unit=people["tree"]["c1"]).exists()
    assert UnitMaturity.objects.get(unit=people["tree"]["c2"]).diagnosed == 1


def test_the_rebuild_gives_the_rollups_kept_in_step_by_submissions(people):
    for i, key in enumerate(("c1", "c2", "c3")):
        factories.submitted(people["learners"][key], right={"1.1", "2.2"}, seed=i)
    kept = stored_maturity(scope=NATIONAL())
    assert len(kept) == 3
    assert unit_maturity_rebuild() == 3
    assert stored_maturity(scope=NATIONAL()) == kept
