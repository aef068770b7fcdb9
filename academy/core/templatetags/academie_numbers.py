from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats

from academy.core.plurals import plural_count as _plural_count

register = template.Library()


@register.filter
def plural_count(value):
    """``{% blocktranslate count counter=hours|plural_count %}``: the plural form of a
    number that may have decimals (see ``academy.core.plurals``)."""
    return _plural_count(value)


@register.filter
def number_short(value):
    """12.50 -> "12,5", 100.00 -> "100", 8.0 -> "8": as printed on certificates (no
    trailing zeros, the language's decimal separator)."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return value
    if number == number.to_integral_value():
        return formats.number_format(int(number))
    return formats.number_format(number.normalize())


@register.filter
def isolate(value):
    """Wraps ``value`` in Unicode isolates (FSI … PDI) for use inside a translated sentence,
    where a ``<bdi>`` cannot go: a Latin URL or code in Arabic text keeps its own order
    and its punctuation stays outside."""
    if value in (None, ""):
        return value
    return f"\u2068{value}\u2069"
