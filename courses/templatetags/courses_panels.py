from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def page_slot(panels, name, key=None):
    """The panels other apps put in slot ``name`` (``name:key`` when a key is given) of
    this page (``courses.page_panels``); each is already escaped HTML."""
    slot = f"{name}:{key}" if key is not None else name
    return mark_safe("".join((panels or {}).get(slot, ())))  # noqa: S308 - escaped parts
