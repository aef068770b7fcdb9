from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class LookupForm(forms.Form):
    key = forms.CharField(
        label=_("Serial number or identifier"),
        max_length=64,
        widget=forms.TextInput(
            attrs={"placeholder": "AC-2026-000123", "dir": "ltr", "autocomplete": "off"}
        ),
    )


class VerifyFileForm(forms.Form):
    file = forms.FileField(
        label=_("Certificate (PDF)"),
        help_text=_("PDF file, 2 MB at most."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is too large (2 MB at most)."), code="too_large"
            )
        return upload


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the revocation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("Shown on the public verification page."),
    )
