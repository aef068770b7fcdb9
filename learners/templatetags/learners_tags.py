from django import template

from learners.selectors import course_progress

register = template.Library()


@register.simple_tag(takes_context=True)
def course_progress_for(context, course):
    """The signed-in learner's progress in ``course`` (None when not enrolled)."""
    user = context.get("user") or getattr(context.get("request"), "user", None)
    if not getattr(user, "is_authenticated", False):
        return None
    return course_progress(user=user, course=course)


@register.filter
def module_percent(progress, module):
    """Percent of ``module``'s lessons completed, in either language (None: not enrolled)."""
    if not progress:
        return None
    return progress["modules"].get(str(module.translation_key))
