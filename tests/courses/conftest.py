from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def demo(db):
    """The demo installer run on the two small fixture courses."""
    from courses.demo import demo_courses_install

    return demo_courses_install(content_dir=FIXTURES)


@pytest.fixture
def learner(db):
    from tests.factories import UserFactory

    return UserFactory(username="learner1")
