from django import template

register = template.Library()


@register.filter
def heat_class(value):
    """The colour band of an average score (the number is always printed too)."""
    if value is None:
        return "heat-none"
    if value < 50:
        return "heat-low"
    if value < 80:
        return "heat-mid"
    return "heat-high"


@register.filter
def percent(value):
    return "—" if value is None else f"{value:g} %"


@register.filter
def get_item(mapping, key):
    return mapping.get(key, key)
