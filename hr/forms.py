from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academy.core.antivirus import upload_validate
from courses.models import CoursePage

from .selectors import ATTRIBUTION_COMPLETION, ATTRIBUTION_CURRENT, StatsFilters
from .selectors.scope import MAX_ID, PERIOD_MAX, PERIOD_MIN

PERIOD_VALIDATORS = [MinValueValidator(PERIOD_MIN), MaxValueValidator(PERIOD_MAX)]


class CourseChoiceField(forms.ModelChoiceField):
    """Refuses ids no database column could hold (instead of an overflow deep in the query)."""

    def to_python(self, value):
        if value not in self.empty_values:
            try:
                number = int(str(value))
            except (TypeError, ValueError):
                number = 0
            if not 0 < number <= MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice"
                )
        return super().to_python(value)


def canonical_courses():
    return CoursePage.objects.filter(locale__language_code=settings.LANGUAGE_CODE).order_by("title")


class StatsFilterForm(forms.Form):
    course = CourseChoiceField(
        queryset=None, required=False, label=_("Course"), empty_label=_("All courses")
    )
    date_from = forms.DateField(
        required=False,
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=PERIOD_VALIDATORS,
    )
    date_to = forms.DateField(
        required=False,
        label=_("To"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=PERIOD_VALIDATORS,
    )
    job_title = forms.ChoiceField(required=False, label=_("Job title"))
    attribution = forms.ChoiceField(
        required=False,
        label=_("Count completions in"),
        choices=[
            (ATTRIBUTION_COMPLETION, _("the unit at completion")),
            (ATTRIBUTION_CURRENT, _("the learner's current unit")),
        ],
        initial=ATTRIBUTION_COMPLETION,
    )

    def __init__(self, *args, job_titles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = canonical_courses()
        self.fields["job_title"].choices = [("", _("All job titles"))] + [
            (t, t) for t in job_titles
        ]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start of the period is after its end."))
        return data

    def filters(self) -> StatsFilters:
        if not self.is_valid():
            return StatsFilters()
        data = self.cleaned_data
        return StatsFilters(
            course_id=data["course"].pk if data.get("course") else None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            job_title=data.get("job_title") or "",
            attribution=data.get("attribution") or ATTRIBUTION_COMPLETION,
        )


class StaffUploadForm(forms.Form):
    file = forms.FileField(label=_("Staff file (CSV UTF-8 or XLSX)"))
    effective_on = forms.DateField(
        label=_("Date of arrivals and moves"),
        initial=timezone.localdate,
        # An <input type="date"> only shows an ISO date: without this, the initial date is blank.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Used for rows without a unit_since column."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not (name.endswith(".csv") or name.endswith(".xlsx") or name.endswith(".txt")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload_validate(upload)  # antivirus: refused before any job is created
