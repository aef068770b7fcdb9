from django import forms
from django.utils.translation import gettext_lazy as _

from academy.core.antivirus import upload_validate

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class LookupForm(forms.Form):
    """Serial number + check code (both printed on the certificate), or the identifier
    (UUID) of the QR code's link. A serial alone finds nothing: serials are sequential."""

    key = forms.CharField(
        label=_("Serial number or identifier"),
        max_length=64,
        widget=forms.TextInput(
            attrs={"placeholder": "AC-2026-000123", "dir": "ltr", "autocomplete": "off"}
        ),
    )
    code = forms.CharField(
        label=_("Check code"),
        max_length=20,
        required=False,
        help_text=_(
            "Printed under the serial number, e.g. 3F9A-0C27. Not needed with the identifier."
        ),
        widget=forms.TextInput(
            attrs={"placeholder": "3F9A-0C27", "dir": "ltr", "autocomplete": "off"}
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
        return upload_validate(upload)  # antivirus: refused before the PDF is parsed


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the revocation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("Shown on the public verification page."),
    )
