"""The campaign form: audience rules, due date, reminders. The scope is checked again by
``hr.services.campaigns.campaign_save``; this form only offers what the officer sees."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from academy.accounts.selectors import Visibility
from academy.core.antivirus import upload_validate
from academy.territories.models import Territory

from .forms import canonical_courses
from .models import DueMode
from .services import StaffFileError, staff_file_matricules

MAX_MATRICULES = 20_000


def _split(value: str) -> list[str]:
    return [v for v in (s.strip() for s in re.split(r"[\s,;]+", value or "")) if v]


def _days(value: str, label) -> list[int]:
    items = _split(value)
    try:
        days = [int(v) for v in items]
    except ValueError:
        raise forms.ValidationError(
            _("%(label)s: numbers of days separated by commas, e.g. 14, 3.") % {"label": label}
        ) from None
    if any(d < 0 or d > 365 for d in days):
        raise forms.ValidationError(
            _("%(label)s: each number of days is between 0 and %(max)d.")
            % {"label": label, "max": 365}
        )
    return days


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title (French)"), max_length=200)
    title_ar = forms.CharField(label=_("Title (Arabic)"), max_length=200, required=False)
    unit = forms.ModelChoiceField(
        queryset=Territory.objects.none(),
        label=_("Unit of the campaign"),
        required=False,
        help_text=_("The audience never reaches outside this unit."),
    )
    courses = forms.ModelMultipleChoiceField(
        queryset=None, label=_("Courses"), widget=forms.CheckboxSelectMultiple
    )
    audience_unit = forms.CharField(
        label=_("Audience: unit code (with every unit below it)"),
        required=False,
        max_length=20,
        help_text=_("Empty: the whole unit of the campaign."),
    )
    job_titles = forms.CharField(
        label=_("Audience: job titles (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    matricules = forms.CharField(
        label=_("Audience: employee numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Separated by spaces, commas or new lines."),
    )
    staff_file = forms.FileField(
        label=_("Audience: staff file (CSV UTF-8 or XLSX with a matricule column)"),
        required=False,
    )
    due_mode = forms.ChoiceField(
        label=_("Due date"), choices=DueMode.choices, widget=forms.RadioSelect
    )
    due_date = forms.DateField(
        label=_("Fixed due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    due_days = forms.IntegerField(
        label=_("Days after joining the audience"), required=False, min_value=1, max_value=3650
    )
    requires_valid_certificate = forms.BooleanField(
        label=_("Require a valid certificate (not only a completion)"), required=False
    )
    reminder_days_before = forms.CharField(
        label=_("Reminders, days before the due date"), initial="14, 3", required=False
    )
    reminder_days_after = forms.CharField(
        label=_("Reminders, days after the due date"), initial="1, 7", required=False
    )

    def __init__(self, *args, visibility: Visibility, **kwargs):
        super().__init__(*args, **kwargs)
        self.visibility = visibility
        units = Territory.objects.filter(depth__lte=2)
        if not visibility.everything:
            units = Territory.objects.filter(
                path__startswith=visibility.root.path, depth__lte=max(2, visibility.root.depth)
            )
        self.fields["unit"].queryset = units.order_by("path")
        self.fields["unit"].empty_label = _("National") if visibility.everything else None
        self.fields["unit"].required = not visibility.everything
        self.fields["courses"].queryset = canonical_courses().live()
        self.file_matricules: list[str] = []

    def clean_audience_unit(self):
        code = self.cleaned_data.get("audience_unit", "").strip()
        if not code:
            return None
        unit = Territory.objects.filter(code=code).first()
        if unit is None or not self.visibility.includes(unit):
            raise forms.ValidationError(_("Unknown unit code, or a unit outside your scope."))
        return unit

    def clean_job_titles(self):
        return [
            t.strip() for t in self.cleaned_data.get("job_titles", "").splitlines() if t.strip()
        ]

    def clean_matricules(self):
        values = _split(self.cleaned_data.get("matricules", ""))
        if len(values) > MAX_MATRICULES:
            raise forms.ValidationError(
                _("At most %(max)d employee numbers at once.") % {"max": MAX_MATRICULES}
            )
        return values

    def clean_staff_file(self):
        upload = self.cleaned_data.get("staff_file")
        if not upload:
            return None
        name = upload.name.lower()
        if not (name.endswith(".csv") or name.endswith(".xlsx") or name.endswith(".txt")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        upload = upload_validate(upload)
        try:
            self.file_matricules = staff_file_matricules(raw=upload.read(), file_name=upload.name)
        except StaffFileError as exc:
            raise forms.ValidationError(exc.errors) from exc
        return upload

    def clean_reminder_days_before(self):
        return _days(self.cleaned_data.get("reminder_days_before", ""), _("Reminders before"))

    def clean_reminder_days_after(self):
        return _days(self.cleaned_data.get("reminder_days_after", ""), _("Reminders after"))

    def clean(self):
        data = super().clean()
        if data.get("due_mode") == DueMode.FIXED and not data.get("due_date"):
            self.add_error("due_date", _("Enter the due date."))
        if data.get("due_mode") == DueMode.RELATIVE and not data.get("due_days"):
            self.add_error("due_days", _("Enter the number of days after joining."))
        unit, audience_unit = data.get("unit"), data.get("audience_unit")
        if unit is not None and audience_unit is not None:
            if not audience_unit.path.startswith(unit.path):
                self.add_error(
                    "audience_unit",
                    _("The audience's unit must be the campaign's unit or below it."),
                )
        return data

    def save_kwargs(self, *, keep_file_matricules=()) -> dict:
        data = self.cleaned_data
        upload = data.get("staff_file")
        matricules = list(data["matricules"]) + (
            self.file_matricules if upload else list(keep_file_matricules)
        )
        return {
            "title": data["title"],
            "title_ar": data.get("title_ar", ""),
            "unit": data.get("unit"),
            "courses": data["courses"],
            "audience_unit": data.get("audience_unit"),
            "job_titles": data["job_titles"],
            "matricules": matricules,
            "staff_file_name": upload.name if upload else "",
            "due_mode": data["due_mode"],
            "due_date": data.get("due_date"),
            "due_days": data.get("due_days"),
            "requires_valid_certificate": data.get("requires_valid_certificate", False),
            "reminder_days_before": data["reminder_days_before"],
            "reminder_days_after": data["reminder_days_after"],
        }


def campaign_initial(campaign) -> dict:
    return {
        "title": campaign.title,
        "title_ar": campaign.title_ar,
        "unit": campaign.unit,
        "courses": list(campaign.courses.all()),
        "audience_unit": campaign.audience_unit.code if campaign.audience_unit else "",
        "job_titles": "\n".join(campaign.job_titles),
        "matricules": "\n".join(campaign.matricules),
        "due_mode": campaign.due_mode,
        "due_date": campaign.due_date,
        "due_days": campaign.due_days,
        "requires_valid_certificate": campaign.requires_valid_certificate,
        "reminder_days_before": ", ".join(str(d) for d in campaign.reminder_days_before),
        "reminder_days_after": ", ".join(str(d) for d in campaign.reminder_days_after),
    }
