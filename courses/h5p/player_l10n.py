"""The H5P runtime's own interface strings (H5PIntegration.l10n.H5P), translated so that
no English is shown to learners; passed to h5p-standalone as its ``translations`` option."""

from django.utils import translation
from django.utils.translation import gettext_lazy as _

CORE_STRINGS = {
    "fullscreen": _("Fullscreen"),
    "disableFullscreen": _("Disable fullscreen"),
    "close": _("Close"),
    "contentChanged": _("This content has changed since you last used it."),
    "startingOver": _("You'll be starting over."),
    "confirmDialogHeader": _("Confirm action"),
    "confirmDialogBody": _(
        "Please confirm that you wish to proceed. This action is not reversible."
    ),
    "cancelLabel": _("Cancel"),
    "confirmLabel": _("Confirm"),
    "showMore": _("Show more"),
    "showLess": _("Show less"),
    "connectionLost": _(
        "Connection lost. Results will be stored and sent when you regain connection."
    ),
    "connectionReestablished": _("Connection reestablished."),
    "resubmitScores": _("Attempting to submit stored results."),
    "offlineDialogHeader": _("Your connection to the server was lost"),
    "offlineDialogBody": _(
        "We were unable to send information about your completion of this task. "
        "Please check your internet connection."
    ),
    # ":num" is replaced by the runtime.
    "offlineDialogRetryMessage": _("Retrying in :num...."),
    "offlineDialogRetryButtonLabel": _("Retry now"),
    "offlineSuccessfulSubmit": _("Successfully submitted results."),
}


def player_translations(language: str) -> dict:
    """``{"H5P": {key: text}}`` in the content's language."""
    with translation.override(language):
        return {"H5P": {key: str(text) for key, text in CORE_STRINGS.items()}}
