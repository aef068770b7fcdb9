import pytest

from academy.accounts.selectors import staff_visible_to, units_visible_to, visibility_for
from tests import factories


@pytest.mark.parametrize(
    "scope, inside, outside",
    [
        ("c1", ["c1"], ["c2", "p1", "r1", "r2", "p2", "c3", "c4"]),
        ("p1", ["p1", "c1", "c2"], ["r1", "r2", "p2", "c3", "c4"]),
        ("r1", ["r1", "p1", "c1", "c2"], ["r2", "p2", "c3", "c4"]),
    ],
)
def test_hr_officer_sees_their_unit_and_below_never_a_sibling_or_parent(
    small_tree, scope, inside, outside
):
    officer = factories.hr_officer(small_tree[scope])
    visible = set(units_visible_to(officer).values_list("code", flat=True))
    assert visible == {small_tree[k].code for k in inside}
    visibility = visibility_for(officer)
    for key in inside:
        assert visibility.includes(small_tree[key])
    for key in outside:
        assert not visibility.includes(small_tree[key])


def test_national_hr_officer_sees_every_unit(small_tree):
    officer = factories.hr_officer(None)
    assert units_visible_to(officer).count() == 8


def test_platform_admin_sees_every_unit(small_tree):
    assert units_visible_to(factories.platform_admin()).count() == 8


@pytest.mark.parametrize("make", [factories.UserFactory, factories.trainer, factories.reviewer])
def test_learners_trainers_and_reviewers_see_no_unit(small_tree, make):
    user = make(unit=small_tree["c1"])
    assert units_visible_to(user).count() == 0
    assert not visibility_for(user).includes(small_tree["c1"])


def test_staff_visible_to_a_province_officer_excludes_other_provinces(small_tree):
    inside = factories.UserFactory(unit=small_tree["c2"])
    outside = factories.UserFactory(unit=small_tree["c3"])
    officer = factories.hr_officer(small_tree["p1"])
    visible = set(staff_visible_to(officer))
    assert inside in visible and outside not in visible and officer not in visible


def test_anonymous_user_sees_nothing(small_tree):
    from django.contrib.auth.models import AnonymousUser

    assert units_visible_to(AnonymousUser()).count() == 0


def test_a_sibling_with_a_longer_code_prefix_is_not_visible(db):
    # Paths, not codes, decide: a sibling region whose path shares no prefix stays hidden.
    r1 = factories.region()
    r2 = factories.region()
    p = factories.province(r2)
    officer = factories.hr_officer(r1)
    assert not visibility_for(officer).includes(p)
