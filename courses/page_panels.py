"""Panels other apps add to course, module and lesson pages.

Courses knows neither learners nor certificates: an app that shows something on these
pages registers a Wagtail hook ``courses_page_panels`` (in its ``wagtail_hooks.py``):
``fn(*, page, request) -> iterable of (slot, html)``. The page templates render each slot
with ``{% page_slot panels "<slot>" %}``. Slots:

- ``course_actions`` (course page, below the summary: enrolment, progress);
- ``module_meta:<translation key>`` (course outline, beside each module);
- ``module_progress`` (module page, below the title);
- ``assessment_passed`` (course page, final assessment passed: what it earned);
- ``lesson_end`` (lesson page, after the navigation: tracking).
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.html import conditional_escape
from wagtail import hooks

HOOK = "courses_page_panels"


def page_panels(*, page, request) -> dict[str, list[str]]:
    """``{slot: [html, …]}`` from every registered provider, in registration order."""
    slots: dict[str, list[str]] = defaultdict(list)
    for provider in hooks.get_hooks(HOOK):
        for slot, html in provider(page=page, request=request) or ():
            slots[slot].append(conditional_escape(html))
    return dict(slots)
