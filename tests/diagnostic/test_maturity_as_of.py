"""The unit view's "change since a date": the maturity as of a date, computed from today's
roll-ups corrected for the people who sat since, gives exactly the figures of the reference
computation (each person's latest sitting before the date, read from every sitting)."""

import datetime
import random

import pytest
from django.db import connections, transaction
from django.db.models import Count, Exists, ExpressionWrapper, IntegerField, OuterRef, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from academy.accounts.selectors import Visibility, visibility_for
from diagnostic.bank import MULTIPLE, bank
from diagnostic.maturity import Maturity
from diagnostic.models import CompetenceResult, Diagnostic
from diagnostic.selectors import (
    _as_of_corrected,
    _as_of_read,
    maturity_as_of,
    stored_maturity,
    unit_maturity,
)
from diagnostic.services import diagnostic_answers_save, diagnostic_start, diagnostic_submit
from hr.selectors import Scope, scope_for
from tests.hr import factories as hr_factories

pytestmark = pytest.mark.django_db

EVERYTHING = Visibility(everything=True)


def reference_maturity_as_of(*, scope: Scope, on: datetime.date) -> Maturity:
    """The computation the unit view used before (one correlated subquery over every sitting
    before the date), kept here as the reference the faster one must agree with."""
    start = timezone.make_aware(datetime.datetime.combine(on, datetime.time.min))
    before = Diagnostic.objects.filter(status=Diagnostic.Status.SUBMITTED, submitted_at__lt=start)
    later_one = before.filter(user_id=OuterRef("user_id")).filter(
        Q(submitted_at__gt=OuterRef("submitted_at"))
        | Q(submitted_at=OuterRef("submitted_at"), id__gt=OuterRef("id"))
    )
    latest_ids = (
        before.filter(scope.unit_q("unit")).filter(~Exists(later_one)).values("id").order_by()
    )
    results = CompetenceResult.objects.filter(diagnostic_id__in=latest_ids)
    total = Maturity(diagnosed=latest_ids.count())
    for code, score_sum, people, foundation in (
        results.values_list("competence__code")
        .annotate(s=Sum("score"), n=Count("id"), f=Count("id", filter=Q(level=1)))
        .order_by()
    ):
        total.competences[code] = [float(score_sum), people, foundation]
    per_area = (
        results.annotate(area=Substr("competence__code", 1, 1))
        .values("diagnostic_id", "area")
        .annotate(lvl=ExpressionWrapper(Sum("level") / Count("id"), output_field=IntegerField()))
        .order_by()
    )
    sql, params = per_area.query.sql_with_params()
    with connections[per_area.db].cursor() as cursor:
        cursor.execute(f"SELECT area, lvl, COUNT(*) FROM ({sql}) t GROUP BY area, lvl", params)
        for area, level, n in cursor.fetchall():
            total.area_levels.setdefault(area, [0, 0, 0, 0])[int(level) - 1] += n
    return total


def sit(user, at: datetime.datetime, seed: int):
    """A sitting through the real services, answered at random (partial credit on the
    multiple-choice questions gives scores such as 33.3 or 66.7), dated ``at``. Call in
    chronological order, as submissions happen."""
    rng = random.Random(seed)
    diagnostic = diagnostic_start(user=user, rng=rng)
    questions, answers = bank(), {}
    for item in diagnostic.questions:
        positions = list(range(len(item["order"])))
        most = len(positions) if questions[item["id"]].type == MULTIPLE else 1
        answers[item["id"]] = rng.sample(positions, rng.randint(0, most))
    ratings = {}
    for item in diagnostic.questions:
        if rng.random() < 0.5:
            ratings[item["id"].split("-")[0]] = rng.randint(1, 4)
    diagnostic_answers_save(
        diagnostic=diagnostic, user=user, answers=answers, self_ratings=ratings, page=0
    )
    diagnostic = diagnostic_submit(diagnostic=diagnostic, user=user)
    Diagnostic.objects.filter(pk=diagnostic.pk).update(submitted_at=at)
    return diagnostic


def midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def corrected(scope, on):
    """Today's figures corrected for the people who sat since ``on``, whatever their number."""
    current = Maturity()
    for m in stored_maturity(scope=scope).values():
        current.add(m)
    return _as_of_corrected(scope=scope, start=midnight(on), current=current)


def both_ways(scope, on):
    """The two ways the maturity as of a date is computed (read, corrected), and the one
    chosen."""
    return [
        _as_of_read(scope=scope, start=midnight(on)),
        corrected(scope, on),
        maturity_as_of(scope=scope, on=on),
    ]


def every_scope(tree):
    yield Scope(visibility=EVERYTHING, unit=None)
    for unit in tree.values():
        yield Scope(visibility=EVERYTHING, unit=unit)


def assert_same_as_reference(tree, dates, officers=()):
    scopes = list(every_scope(tree))
    scopes += [scope_for(visibility=visibility_for(officer)) for officer in officers]
    for scope in scopes:
        for on in dates:
            expected = reference_maturity_as_of(scope=scope, on=on)
            assert both_ways(scope, on) == [expected] * 3, (scope.unit, on)
            assert unit_maturity(scope=scope, since=on).then == expected, (scope.unit, on)


@pytest.fixture
def history(people):
    """Sittings before, on and after a date, retakes, ties, people who moved, people without a
    unit, in and out of each scope."""
    t, L = people["tree"], people["learners"]
    day = timezone.localdate() - datetime.timedelta(days=20)
    at = midnight(day)
    d = datetime.timedelta
    mover = hr_factories.learner(t["c1"], username="mover")
    leaver = hr_factories.learner(t["c2"], username="leaver")
    nowhere = hr_factories.learner(None, username="nowhere")
    nowhere_again = hr_factories.learner(None, username="nowhere-again")
    retired = hr_factories.learner(t["c4"], username="retired", is_active=False)
    plan = [
        (L["c1"], at - d(days=40)),  # before, then again after: counts its first sitting
        (L["c3"], at - d(days=30)),  # two sittings before: the later one counts
        (mover, at - d(days=25)),  # in c1 before the date, in c3 after it
        (leaver, at - d(days=22)),  # in c2 before, without a unit after
        (nowhere, at - d(days=21)),  # without a unit, before only
        (nowhere_again, at - d(days=21)),  # without a unit, before and after
        (retired, at - d(days=19)),  # inactive today, still counted then
        (L["p1"], at - d(days=3)),  # two sittings at the same instant: the later id counts
        (L["p1"], at - d(days=3)),
        (L["c3"], at - d(days=2)),
        (L["c4"], at - d(seconds=1)),  # the last second before the date
        (L["c4"], at),  # on the date, at midnight: after it
        (L["c1"], at + d(days=5)),
        (L["c2"], at + d(days=6)),  # after the date only
        (mover, at + d(days=7)),
        (leaver, at + d(days=8)),
        (nowhere_again, at + d(days=9)),
    ]
    for seed, (user, when) in enumerate(plan):
        if user is mover and when > at:
            mover.unit = t["c3"]
            mover.save()
        if user is leaver and when > at:
            leaver.unit = None
            leaver.save()
        sit(user, when, seed=seed)
    return {**people, "day": day}


def test_the_maturity_as_of_a_date_matches_the_reference_in_every_scope(history):
    day = history["day"]
    dates = [
        day,
        day + datetime.timedelta(days=1),
        day - datetime.timedelta(days=3),
        day - datetime.timedelta(days=60),  # before any sitting
        day + datetime.timedelta(days=60),  # after every sitting
    ]
    officers = history["officers"].values()
    assert_same_as_reference(history["tree"], dates, officers)
    then = maturity_as_of(scope=Scope(visibility=EVERYTHING, unit=None), on=day)
    assert then.diagnosed == 9  # c1, c3, c4, p1, mover, leaver, nowhere twice, retired


def test_the_comparison_corrects_todays_figures_for_the_people_who_sat_since(history):
    """Only the people with a sitting on or after the date are read: given empty figures for
    today, the result holds just their corrections (their sitting before the date, minus the
    one counted today)."""
    scope = Scope(visibility=EVERYTHING, unit=history["tree"]["r1"])
    then = _as_of_corrected(scope=scope, start=midnight(history["day"]), current=Maturity())
    # In the Oriental: c1 (+1 then, -1 now), c2 (-1 now), mover (+1 in c1 then; counted in c3
    # now, outside), leaver (+1 in c2 then; no unit now), p1 and c4's earlier sittings are
    # counted today already (p1 did not sit since; c4 is in the South).
    assert then.diagnosed == 1


def test_the_comparison_reads_in_a_bounded_number_of_queries(
    history, django_assert_max_num_queries
):
    scope = Scope(visibility=EVERYTHING, unit=None)
    start = midnight(history["day"])
    current = unit_maturity(scope=scope).total.maturity
    for k in range(6):
        sit(hr_factories.learner(history["tree"]["c2"], username=f"more-{k}"), timezone.now(), k)
    with django_assert_max_num_queries(9):
        _as_of_corrected(scope=scope, start=start, current=current)
    with django_assert_max_num_queries(3):
        _as_of_read(scope=scope, start=start)
    with django_assert_max_num_queries(10):  # counts the sittings since, then one of the two
        maturity_as_of(scope=scope, on=history["day"], current=current)
    with django_assert_max_num_queries(13):  # and today's figures when not given
        maturity_as_of(scope=scope, on=history["day"])


SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
UNITS = ("c1", "c2", "c3", "p1", None)
sitting = st.tuples(
    st.integers(0, 4),  # who
    st.integers(-30 * 24, 30 * 24),  # hours from the date
    st.sampled_from((*UNITS, "stay", "stay", "stay")),  # unit at the sitting
)


@SETTINGS
@given(sittings=st.lists(sitting, min_size=1, max_size=8), shift=st.integers(-3, 3))
def test_any_history_of_sittings_gives_the_reference_figures(small_tree, sittings, shift):
    day = timezone.localdate() - datetime.timedelta(days=40)
    at = midnight(day)
    with transaction.atomic():
        users = [
            hr_factories.learner(small_tree[UNITS[i]] if UNITS[i] else None, username=f"h{i}")
            for i in range(5)
        ]
        # In submission order; equal times keep their order (the later id counts).
        for seed, (who, hours, unit) in enumerate(sorted(sittings, key=lambda s: s[1])):
            user = users[who]
            if unit != "stay":
                user.unit = small_tree[unit] if unit else None
                user.save()
            sit(user, at + datetime.timedelta(hours=hours), seed)
        on = day + datetime.timedelta(days=shift)
        for scope in every_scope(small_tree):
            expected = reference_maturity_as_of(scope=scope, on=on)
            assert both_ways(scope, on) == [expected] * 3, (scope.unit, on)
        transaction.set_rollback(True)
