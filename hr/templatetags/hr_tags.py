from django import template

from academy.accounts.selectors import visibility_for

register = template.Library()


@register.filter
def is_hr_officer(user) -> bool:
    """True for HR officers and platform admins (who see the Statistics link)."""
    return bool(getattr(user, "is_authenticated", False)) and not visibility_for(user).nothing
