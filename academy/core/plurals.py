"""Plural forms for numbers that need not be whole (hours of a course: 1.5, 8, 12.5).

gettext's plural formulas only take integers. CLDR (through Babel) knows the category
of any number in each language (Arabic: zero, one, two, few, many, other; French: one,
many, other): ``plural_count`` returns a whole number of the same category, to pass to
``ngettext`` / ``{% blocktranslate count %}`` while the number itself is printed as is.
"""

from decimal import Decimal, InvalidOperation

from babel import Locale
from django.utils.translation import get_language

# One whole number per CLDR category, each selecting that category's gettext form.
_REPRESENTATIVE = {"zero": 0, "one": 1, "two": 2, "few": 3, "many": 11, "other": 100}
_REPRESENTATIVE_FR = {"one": 1, "many": 1_000_000, "other": 2}


def plural_count(value, language: str | None = None) -> int:
    """A whole number with the plural category of ``value`` in ``language`` (default:
    the active one). ``plural_count(Decimal("8"), "ar") == 8``; 1.5 hours in French is
    singular (1), in Arabic "other" (100)."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return 0
    if number == number.to_integral_value():
        return int(number)
    language = (language or get_language() or "fr").split("-")[0]
    category = Locale.parse(language).plural_form(number)
    table = _REPRESENTATIVE_FR if language == "fr" else _REPRESENTATIVE
    return table.get(category, table["other"])
