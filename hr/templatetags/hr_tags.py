from django import template

from academy.accounts.selectors import user_sees_statistics

register = template.Library()


@register.filter
def is_hr_officer(user) -> bool:
    """True for HR officers and platform admins (who see the Statistics link)."""
    return user_sees_statistics(user)


@register.filter
def column_labels(names) -> str:
    """Staff-file column names in the reader's language ("last_name, job_title" → "Nom, Fonction")."""
    from hr.services import COLUMN_LABELS

    return ", ".join(str(COLUMN_LABELS.get(name, name)) for name in names if name != "email")
