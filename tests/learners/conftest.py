import pytest

from tests import factories as base
from tests.learners import factories


@pytest.fixture
def learner(small_tree):
    return base.UserFactory(username="learner.test", unit=small_tree["c1"])


@pytest.fixture
def tree(db):
    return factories.course_tree(modules=((True, 2), (False, 1)), final=True, pass_mark=70)
