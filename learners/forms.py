from django import forms
from django.utils.translation import gettext_lazy as _

from academy.accounts.selectors import units_visible_to
from courses.models import CoursePage

from .models import BulkEnrollmentJob


class BulkEnrollmentForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Course"), queryset=CoursePage.objects.none())
    kind = forms.ChoiceField(
        label=_("Who"), choices=BulkEnrollmentJob.Kind.choices, widget=forms.RadioSelect
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None, required=False)
    job_title = forms.CharField(label=_("Job title"), max_length=200, required=False)
    matricules = forms.CharField(
        label=_("Employee numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Separated by spaces, commas or new lines."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from courses.selectors import source_language

        self.fields["course"].queryset = (
            CoursePage.objects.live()
            .filter(locale__language_code=source_language())
            .order_by("title")
        )
        self.fields["unit"].queryset = units_visible_to(user).order_by("path")

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "course": data["course"],
            "kind": data["kind"],
            "unit": data.get("unit"),
            "job_title": data.get("job_title", ""),
            "matricules": data.get("matricules", ""),
        }
