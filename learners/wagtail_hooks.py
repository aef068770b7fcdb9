from wagtail import hooks

from .viewsets import LearnersViewSetGroup


@hooks.register("register_admin_viewset")
def register_learners_viewsets():
    return LearnersViewSetGroup()


@hooks.register("courses_page_panels")
def learner_page_panels(*, page, request):
    """The learner's part of course, module and lesson pages (``courses.page_panels``):
    enrolment and progress, module percentages, the lesson tracker."""
    from django.template.loader import render_to_string

    from courses.models import CoursePage, LessonPage, ModulePage

    from .selectors import course_progress

    user = getattr(request, "user", None)
    signed_in = getattr(user, "is_authenticated", False)
    if isinstance(page, LessonPage):
        # A preview records nothing: no tracker (the page says so).
        if signed_in and not getattr(request, "is_preview", False):
            html = render_to_string(
                "learners/includes/lesson_tracker.html", {"lesson": page}, request=request
            )
            yield "lesson_end", html
        return
    if isinstance(page, CoursePage):
        course = page
    elif isinstance(page, ModulePage):
        course = page.get_parent().specific
    else:
        return
    progress = course_progress(user=user, course=course) if signed_in else None
    if isinstance(page, CoursePage):
        yield (
            "course_actions",
            render_to_string(
                "learners/includes/course_enrol.html",
                {"course": page, "progress": progress},
                request=request,
            ),
        )
        for key, percent in (progress or {}).get("modules", {}).items():
            yield (
                f"module_meta:{key}",
                render_to_string("learners/includes/module_meta.html", {"percent": percent}),
            )
        return
    percent = (progress or {}).get("modules", {}).get(str(page.translation_key))
    if percent is not None:
        yield (
            "module_progress",
            render_to_string(
                "learners/includes/module_progress.html", {"module": page, "percent": percent}
            ),
        )
