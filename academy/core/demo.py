"""The demo installer's steps, contributed by the apps (``manage.py seed_demo``).

Core knows no feature app: each app registers its step in its ``AppConfig.ready`` with
``demo_step_register(order, step)``. A step is ``step(*, users, stdout)`` (``users``: the
demo accounts by username) whose docstring's first line is printed; steps run by
``order`` (H5P activities 10, courses 20, progress 30, certificates 40, campaigns 50,
diagnostics 60)."""

from __future__ import annotations

from collections.abc import Callable

_steps: dict[str, tuple[int, Callable]] = {}


def demo_step_register(order: int, step: Callable) -> None:
    """Registers (or replaces) ``step``, keyed by its module and name."""
    _steps[f"{step.__module__}.{step.__qualname__}"] = (order, step)


def demo_steps() -> list[Callable]:
    return [step for _order, step in sorted(_steps.values(), key=lambda item: item[0])]
