"""Wagtail admin forms for the custom user: profile fields and HR scope."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm

from academy.territories.models import Territory

from .selectors import user_hr_scope
from .services import user_set_hr_scope

PROFILE_FIELDS = (
    "matricule",
    "first_name_ar",
    "last_name_ar",
    "unit",
    "job_title",
    "preferred_language",
)
HR_NONE, HR_NATIONAL, HR_UNIT = "", "national", "unit"


class ProfileFormMixin(forms.Form):
    hr_role = forms.ChoiceField(
        label=_("HR officer"),
        required=False,
        choices=[
            (HR_NONE, _("No")),
            (HR_NATIONAL, _("Yes, national level")),
            (HR_UNIT, _("Yes, for one unit")),
        ],
    )
    hr_unit = forms.ModelChoiceField(
        label=_("HR scope unit"),
        required=False,
        queryset=Territory.objects.order_by("path"),
        help_text=_("The officer sees this unit and everything below it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Territory.objects.order_by("path")
        scope = user_hr_scope(self.instance) if self.instance.pk else None
        if scope is not None:
            self.initial["hr_role"] = HR_UNIT if scope.unit_id else HR_NATIONAL
            self.initial["hr_unit"] = scope.unit_id

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("hr_role") == HR_UNIT and not cleaned.get("hr_unit"):
            self.add_error("hr_unit", _("Choose the unit of this HR officer."))
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            role = self.cleaned_data.get("hr_role")
            user_set_hr_scope(
                user=user,
                is_officer=bool(role),
                unit=self.cleaned_data.get("hr_unit") if role == HR_UNIT else None,
            )
        return user


class AcademyUserCreationForm(ProfileFormMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = set(UserCreationForm.Meta.fields) | set(PROFILE_FIELDS)


class AcademyUserEditForm(ProfileFormMixin, UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = set(UserEditForm.Meta.fields) | set(PROFILE_FIELDS)
