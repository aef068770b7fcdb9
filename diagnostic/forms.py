from django import forms
from django.utils.translation import gettext_lazy as _

from hr.forms import PERIOD_VALIDATORS

from .models import Level, UnitIndicators


class SinceForm(forms.Form):
    since = forms.DateField(
        label=_("Change since"),
        required=False,
        validators=PERIOD_VALIDATORS,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class IndicatorsForm(forms.ModelForm):
    class Meta:
        model = UnitIndicators
        fields = [
            "recorded_on",
            "digital_registry",
            "e_signature",
            "complaints_portal",
            "online_appointments",
            "professional_email_percent",
            "connection_quality",
        ]
        widgets = {"recorded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recorded_on"].validators += PERIOD_VALIDATORS
        self.fields["professional_email_percent"].widget.attrs.update({"min": 0, "max": 100})

    def clean_professional_email_percent(self):
        value = self.cleaned_data["professional_email_percent"]
        if value is not None and not 0 <= value <= 100:
            raise forms.ValidationError(_("Enter a percentage between 0 and 100."))
        return value


class PlanForm(forms.Form):
    """The level the audience of a unit's training plan is below."""

    below = forms.TypedChoiceField(
        label=_("Staff below the level"),
        coerce=int,
        choices=[(level, label) for level, label in Level.choices if level > Level.FOUNDATION],
        initial=Level.ADVANCED,
    )
