"""The demo installer is assembled from the apps' own steps (core imports none of them)."""

from academy.core.demo import demo_steps


def test_each_app_registers_its_demo_step_in_dependency_order():
    modules = [step.__module__ for step in demo_steps()]
    assert modules == [
        "courses.h5p.demo",
        "courses.demo",
        "learners.demo",
        "certificates.demo",
        "hr.demo",
        "diagnostic.demo",
    ]
    assert all(step.__doc__ for step in demo_steps())  # printed by seed_demo
